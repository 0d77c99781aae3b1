import { createHash } from 'node:crypto';

/** Kubernetes' limit for names that must also work as label values and DNS labels. */
export const maxManagedResourceNameLength = 63;
const hashLength = 10;

/**
 * The name of the managed resource composed for a claim: `<kind>-<namespace>-<name>` in lower
 * case. Managed resources are cluster-scoped, so the namespace must be part of the name. Names
 * over 63 characters are cut and end in a hash of `<namespace>/<name>`, which keeps them unique
 * and stable across restarts (the same claim always maps to the same resource).
 */
export function managedResourceName(claimKind: string, namespace: string, name: string): string {
  const full = `${claimKind.toLowerCase()}-${namespace}-${name}`;
  if (full.length <= maxManagedResourceNameLength) return full;
  const hash = createHash('sha256').update(`${namespace}/${name}`).digest('hex').slice(0, hashLength);
  // A cut that ends in '.' or '-' would make the name invalid ('.-') or ugly ('--').
  const prefix = full.slice(0, maxManagedResourceNameLength - hashLength - 1).replace(/[.-]+$/, '');
  return `${prefix}-${hash}`;
}
