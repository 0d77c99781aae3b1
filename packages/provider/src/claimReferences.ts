import { claimNameLabel, claimNamespaceLabel, instanceTypeLabel } from './names.js';

interface Labelled {
  metadata: { name?: string; labels?: Record<string, string> };
}

/** The claim (app-facing object) a managed resource was composed for, from its labels. */
export function claimOf(obj: Labelled): { name?: string; namespace?: string } {
  return {
    name: obj.metadata.labels?.[claimNameLabel],
    namespace: obj.metadata.labels?.[claimNamespaceLabel],
  };
}

/**
 * The managed resources composed for the claim `name` in `namespace`. References between managed
 * resources are claim names within one claim namespace, so a claim in another namespace can never
 * be referenced. Instance claims of different kinds may share a name in one namespace (a
 * PostgresqlInstance and a MariadbInstance both called db), so the data-service type (label
 * klutch.io/instance-type) must match too when the referring resource carries one.
 */
export function composedFor<T extends Labelled>(
  items: readonly T[],
  name: string,
  namespace: string | undefined,
  instanceType?: string,
): T[] {
  if (!namespace) return [];
  return items.filter((o) => {
    const c = claimOf(o);
    if (c.name !== name || c.namespace !== namespace) return false;
    return instanceType === undefined || o.metadata.labels?.[instanceTypeLabel] === instanceType;
  });
}

/** Which of `bindings` belong to `instance` (same claim namespace, instanceName = its claim name). */
export function bindingsOfInstance<
  B extends Labelled & { spec?: { forProvider?: { instanceName?: string } } },
>(instance: Labelled, bindings: readonly B[]): B[] {
  const c = claimOf(instance);
  if (!c.name || !c.namespace) return [];
  return bindings.filter(
    (b) => claimOf(b).namespace === c.namespace && b.spec?.forProvider?.instanceName === c.name,
  );
}

/** The Deleting message of an instance whose bindings have to go first; undefined when none remain. */
export function deletionBlockedByBindings(bindingNames: readonly string[]): string | undefined {
  if (bindingNames.length === 0) return undefined;
  const sorted = [...bindingNames].sort();
  const shown = sorted.slice(0, 5).join(', ');
  const more = sorted.length > 5 ? ` and ${sorted.length - 5} more` : '';
  return `Waiting for ${sorted.length} ServiceBinding${sorted.length === 1 ? '' : 's'} of this instance to be deleted before deprovisioning: ${shown}${more}.`;
}

/**
 * The names of `items` that refer to `target` by claim name (a field such as instanceName or
 * backupName holding the target's claim name) within the target's claim namespace: the reverse
 * lookup that lets a change of one resource wake up those waiting for it.
 */
export function namesReferring<I extends Labelled>(
  target: Labelled,
  items: readonly I[],
  referencedName: (item: I) => string | undefined,
): string[] {
  const c = claimOf(target);
  if (!c.name || !c.namespace) return [];
  return items
    .filter((i) => claimOf(i).namespace === c.namespace && referencedName(i) === c.name)
    .map((i) => i.metadata.name ?? '')
    .filter(Boolean);
}

/** The names of `items` whose providerConfigRef names `providerConfigName`. */
export function namesUsingProviderConfig(
  providerConfigName: string,
  items: ReadonlyArray<{ metadata: { name?: string }; spec?: { providerConfigRef?: { name?: string } } }>,
): string[] {
  return items
    .filter((i) => i.spec?.providerConfigRef?.name === providerConfigName)
    .map((i) => i.metadata.name ?? '')
    .filter(Boolean);
}
