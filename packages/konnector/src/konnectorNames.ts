import { capName, maxDnsSubdomainLength } from '@klutch/kube';

/** Keys and names shared with the backend and the Go implementation (reference section 1.12). */
export const boundAnnotation = 'klutch.anynines.com/bound';
export const syncerFinalizer = 'klutch.anynines.com/syncer';
export const resourceOwnerAnnotation = 'klutch.anynines.com/resource-owner';
export const clusterNamespaceAnnotation = 'klutch.anynines.com/cluster-namespace';
/**
 * On an upstream copy whose Prefixed name had to be capped: the downstream name, which can then
 * no longer be read off the upstream name (not in the Go konnector; it never caps).
 */
export const downstreamNameAnnotation = 'klutch.anynines.com/downstream-name';
export const fieldManager = 'klutch.anynines.com';
export const klutchApiVersion = 'klutch.anynines.com/v1alpha1';
export const clusterBindingName = 'cluster';
export const konnectorComponent = 'konnector';
export const konnectorVersion = 'v1.5.0-ts';

/**
 * Upstream name of a cluster-scoped object under Prefixed isolation: `<providerNs>-<name>`,
 * capped at the object name limit with a stable hash suffix.
 */
export function prependClusterName(providerNamespace: string, name: string): string {
  return capName(`${providerNamespace}-${name}`, maxDnsSubdomainLength);
}

/**
 * The downstream name of a Prefixed upstream name, or undefined when the name is not this
 * provider namespace's (another consumer's object). A capped name is resolved through the
 * downstream name recorded on the object (`annotatedName`), and only if it maps back to it;
 * without that record the name is read as uncapped.
 */
export function beheadClusterName(
  providerNamespace: string,
  upstreamName: string,
  annotatedName?: string,
): string | undefined {
  if (annotatedName)
    return prependClusterName(providerNamespace, annotatedName) === upstreamName ? annotatedName : undefined;
  const prefix = `${providerNamespace}-`;
  if (!upstreamName.startsWith(prefix) || upstreamName.length === prefix.length) return undefined;
  return upstreamName.slice(prefix.length);
}
