import { providerConfigUsageKind, providerConfigUsageLabel } from '@klutch/api';
import type { ProviderConfigUsageObject } from './managedResources.js';

/** Crossplane's finalizer on a ProviderConfig that managed resources use. */
export const inUseFinalizer = 'in-use.crossplane.io';

export interface UsingResource {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; uid?: string; deletionTimestamp?: string };
  spec?: { providerConfigRef?: { name?: string } };
}

/** The ProviderConfig a managed resource uses: `default` when it names none (the CRD default). */
export function providerConfigNameOf(mr: UsingResource): string {
  return mr.spec?.providerConfigRef?.name ?? 'default';
}

/**
 * The ProviderConfigUsage of a managed resource, as Crossplane providers write it: named after the
 * resource's UID, labelled with the ProviderConfig name and owned by the resource, so that the
 * garbage collector removes it with the resource.
 */
export function desiredUsage(mr: UsingResource): ProviderConfigUsageObject | undefined {
  const { name, uid } = mr.metadata;
  if (!name || !uid) return undefined;
  const providerConfig = providerConfigNameOf(mr);
  return {
    apiVersion: providerConfigUsageKind.apiVersion,
    kind: 'ProviderConfigUsage',
    metadata: {
      name: uid,
      labels: { [providerConfigUsageLabel]: providerConfig },
      ownerReferences: [{ apiVersion: mr.apiVersion, kind: mr.kind, name, uid, controller: true }],
    },
    providerConfigRef: { name: providerConfig },
    resourceRef: { apiVersion: mr.apiVersion, kind: mr.kind, name, uid },
  };
}

/** Whether the stored usage already says what `desired` says (so no write is needed). */
export function usageUpToDate(
  current: ProviderConfigUsageObject | undefined,
  desired: ProviderConfigUsageObject,
): boolean {
  if (!current) return false;
  return (
    current.providerConfigRef.name === desired.providerConfigRef.name &&
    current.metadata.labels?.[providerConfigUsageLabel] === desired.providerConfigRef.name &&
    current.resourceRef.kind === desired.resourceRef.kind &&
    current.resourceRef.name === desired.resourceRef.name &&
    current.resourceRef.uid === desired.resourceRef.uid
  );
}

/** Usages of a kind/name that belong to no current managed resource (it was deleted or replaced). */
export function staleUsages(
  usages: readonly ProviderConfigUsageObject[],
  kind: string,
  name: string,
  current: UsingResource | undefined,
): ProviderConfigUsageObject[] {
  return usages.filter(
    (u) =>
      u.resourceRef.kind === kind &&
      u.resourceRef.name === name &&
      (current === undefined || u.resourceRef.uid !== current.metadata.uid),
  );
}

export function usersOf(usages: readonly ProviderConfigUsageObject[], providerConfig: string): number {
  return usages.filter((u) => u.metadata.labels?.[providerConfigUsageLabel] === providerConfig).length;
}

export type InUseStep =
  | { action: 'addFinalizer' }
  | { action: 'removeFinalizer' }
  | { action: 'blockDeletion'; message: string }
  | { action: 'none' };

/**
 * What the in-use protection does next for a ProviderConfig (one write per reconcile): keep the
 * finalizer while the ProviderConfig exists, and let a deletion finish only once no managed
 * resource uses it.
 */
export function inUseStep(
  pc: { metadata: { name?: string; deletionTimestamp?: string; finalizers?: string[] } },
  users: number,
): InUseStep {
  const has = pc.metadata.finalizers?.includes(inUseFinalizer) ?? false;
  if (!pc.metadata.deletionTimestamp) return has ? { action: 'none' } : { action: 'addFinalizer' };
  if (!has) return { action: 'none' };
  if (users === 0) return { action: 'removeFinalizer' };
  const name = pc.metadata.name ?? '';
  return {
    action: 'blockDeletion',
    message: `ProviderConfig "${name}" is in use by ${users} managed resource${users === 1 ? '' : 's'} and is deleted once they are gone; see kubectl get providerconfigusages -l ${providerConfigUsageLabel}=${name}.`,
  };
}
