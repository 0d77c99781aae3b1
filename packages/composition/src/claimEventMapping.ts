import { objectKey } from '@klutch/kube';
import type { Informer, KubeObject } from '@klutch/kube';
import type { Claim, ManagedResource, Secret } from './composedObjects.js';
import type { CompositionKind } from './compositionKinds.js';
import { claimOf, instanceTypeLabel } from './managedResourceLabels.js';

// Informer events only name keys; these functions find the claims an event concerns.

/** The claim of a managed resource, for the controller of `composition`'s kind. */
export function claimKeyOfManagedResource(
  composition: CompositionKind,
): (mr: ManagedResource) => string | undefined {
  return (mr) => {
    const id = claimOf(mr);
    if (!id) return undefined;
    // All instance kinds share the ServiceInstance resource: the label tells whose it is.
    if (composition.fixedType && mr.metadata.labels?.[instanceTypeLabel] !== composition.fixedType)
      return undefined;
    return `${id.namespace}/${id.name}`;
  };
}

/**
 * The binding whose managed resource a connection Secret belongs to: the provider names the Secret
 * like the managed resource.
 */
export function bindingKeyOfConnectionSecret(
  bindingResources: Informer<ManagedResource>,
): (secret: Secret) => string | undefined {
  return (secret) => {
    const name = secret.metadata.name;
    const mr = name ? bindingResources.get(name) : undefined;
    const id = mr ? claimOf(mr) : undefined;
    return id ? `${id.namespace}/${id.name}` : undefined;
  };
}

/** The binding that owns a credentials Secret, so that edits and deletions are undone. */
export function bindingKeyOfCredentialsSecret(secret: Secret): string | undefined {
  const owner = secret.metadata.ownerReferences?.find((r) => r.kind === 'ServiceBinding');
  const namespace = secret.metadata.namespace;
  return owner && namespace ? `${namespace}/${owner.name}` : undefined;
}

/**
 * The claims of `composition`'s kind that refer to an object of `targetKind` (e.g. the Backups of
 * a PostgresqlInstance), so that they are composed as soon as what they wait for appears.
 */
export function referrersOf(
  composition: CompositionKind,
  targetKind: string,
  claims: Informer<Claim>,
): (target: KubeObject) => string[] {
  return (target) => {
    const { namespace, name } = target.metadata;
    if (!namespace || !name) return [];
    return claims
      .list(namespace)
      .filter((c) => composition.references(c).some((r) => r.kind === targetKind && r.name === name))
      .map((c) => objectKey(c));
  };
}
