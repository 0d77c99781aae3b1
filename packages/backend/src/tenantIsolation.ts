import type { ClusterScopedIsolation, ConsumerScope } from './backendSettings.js';

/** Reason of the export request condition when a combination cannot keep tenants apart. */
export const isolationNotEnforceableReason = 'IsolationNotEnforceable';

/**
 * How the objects of one exported resource are kept apart between consumers, decided by the
 * API server and not by a well-behaved konnector:
 * - `isolated`: granted only through RoleBindings in the consumer's own service namespaces, so
 *   reads and writes stay inside them (RBAC).
 * - `shared`: granted cluster-wide, so every consumer reads every object of the API (the operator
 *   opted in with `--cluster-scoped-isolation None`); writes stay owner-only through the
 *   ValidatingAdmissionPolicy `klutch-consumer-writes`.
 * - `refused`: the combination would let consumers read each other's objects without that
 *   opt-in; the export request fails with `message`, which names the safe settings.
 */
export type ExportIsolation =
  { kind: 'isolated' } | { kind: 'shared' } | { kind: 'refused'; message: string };

/** The isolation of an exported resource of scope `crdScope` under the backend's settings. */
export function exportIsolation(
  crdScope: 'Namespaced' | 'Cluster',
  consumerScope: ConsumerScope,
  isolation: ClusterScopedIsolation,
): ExportIsolation {
  if (crdScope === 'Namespaced') {
    if (consumerScope === 'Namespaced') return { kind: 'isolated' };
    if (isolation === 'None') return { kind: 'shared' };
    return {
      kind: 'refused',
      message:
        `consumer scope Cluster grants this namespaced API in every namespace, so consumers would read each other's objects, ` +
        `and --cluster-scoped-isolation is ${isolation}: run the backend with --consumer-scope Namespaced to keep consumers apart, ` +
        `or with --cluster-scoped-isolation None to share reads deliberately (writes stay limited to each consumer's own service namespaces)`,
    };
  }
  if (isolation === 'None') return { kind: 'shared' };
  if (isolation === 'Namespaced') {
    return {
      kind: 'refused',
      message:
        'cluster-scoped isolation Namespaced is impossible for a cluster-scoped API: its objects cannot live in a namespace. ' +
        'Run the backend with --cluster-scoped-isolation None (every consumer reads all objects of this API, each writes only its own, named <provider namespace>-<name>)',
    };
  }
  return {
    kind: 'refused',
    message:
      'cluster-scoped APIs cannot be read-isolated between consumers: RBAC cannot filter a list by name prefix, so with --cluster-scoped-isolation Prefixed ' +
      "every consumer would read the others' objects. Run the backend with --cluster-scoped-isolation None to share reads deliberately " +
      '(each consumer writes only its own objects, named <provider namespace>-<name>), or do not export this API',
  };
}

/** Whether an exported resource is granted to its consumer cluster-wide (only when shared). */
export function grantedClusterWide(
  crdScope: 'Namespaced' | 'Cluster',
  consumerScope: ConsumerScope,
  isolation: ClusterScopedIsolation,
): boolean {
  return exportIsolation(crdScope, consumerScope, isolation).kind === 'shared';
}
