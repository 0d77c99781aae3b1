import { capName, maxDnsLabelLength } from '@klutch/kube';

/** Kubernetes' limit for names that must also work as label values and DNS labels. */
export const maxManagedResourceNameLength = maxDnsLabelLength;

/**
 * The name of the managed resource composed for a claim: `<kind>-<namespace>-<name>` in lower
 * case. Managed resources are cluster-scoped, so the namespace must be part of the name. Names
 * over 63 characters are cut and end in a hash of `<namespace>/<name>`, which keeps them unique
 * and stable across restarts (the same claim always maps to the same resource).
 */
export function managedResourceName(claimKind: string, namespace: string, name: string): string {
  return capName(
    `${claimKind.toLowerCase()}-${namespace}-${name}`,
    maxManagedResourceNameLength,
    `${namespace}/${name}`,
  );
}
