/** Keys and names shared with the backend and the Go implementation (reference section 1.12). */
export const boundAnnotation = 'klutch.anynines.com/bound';
export const syncerFinalizer = 'klutch.anynines.com/syncer';
export const resourceOwnerAnnotation = 'klutch.anynines.com/resource-owner';
export const clusterNamespaceAnnotation = 'klutch.anynines.com/cluster-namespace';
export const fieldManager = 'klutch.anynines.com';
export const klutchApiVersion = 'klutch.anynines.com/v1alpha1';
export const clusterBindingName = 'cluster';
export const konnectorComponent = 'konnector';
export const konnectorVersion = 'v1.5.0-ts';

/** Upstream name of a cluster-scoped object under Prefixed isolation. */
export function prependClusterName(providerNamespace: string, name: string): string {
  return `${providerNamespace}-${name}`;
}

/**
 * The downstream name of a Prefixed upstream name, or undefined when the
 * name does not carry this provider namespace's prefix (another consumer's object).
 */
export function beheadClusterName(providerNamespace: string, upstreamName: string): string | undefined {
  const prefix = `${providerNamespace}-`;
  if (!upstreamName.startsWith(prefix) || upstreamName.length === prefix.length) return undefined;
  return upstreamName.slice(prefix.length);
}
