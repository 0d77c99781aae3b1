import { setCondition, setSummary, splitObjectKey } from '@klutch/kube';
import type { Informer, Reconciler } from '@klutch/kube';
import type { BackendClients } from '../backendClients.js';
import type { ClusterBindingObject, ExportObject, NamespaceObject } from '../backendObjects.js';
import type { ClusterScopedIsolation, ConsumerScope } from '../backendSettings.js';
import { heartbeatHealth } from '../heartbeatHealth.js';
import type { HeartbeatSettings } from '../heartbeatHealth.js';
import { consumerClusterRoleName, consumerClusterWideRoleName } from '../names.js';
import {
  deleteIfPresent,
  ensureClusterRole,
  ensureConsumerWritePolicy,
  ensureRoleBinding,
  patchStatus,
} from '../objectWrites.js';
import { consumerClusterRole, consumerClusterWideGrant, providerNamespaceRoleBinding } from '../rbacRules.js';

export interface ClusterBindingReconcilerDeps {
  clients: BackendClients;
  clusterBindings: Informer<ClusterBindingObject>;
  exports: Informer<ExportObject>;
  namespaces: Informer<NamespaceObject>;
  consumerScope: ConsumerScope;
  clusterScopedIsolation: ClusterScopedIsolation;
  heartbeat?: HeartbeatSettings;
  /** Upper bound between two reconciles of one binding, so RBAC drift is repaired (default 10 min). */
  resyncMs?: number;
  now?: () => Date;
}

/**
 * ClusterBinding → per-consumer RBAC and the `Healthy` condition (reference 2.9 `clusterbinding`,
 * with D4's fixes): the ClusterRole of exported and claimed resources (bound per service namespace
 * by the servicenamespace controller), and a cluster-wide grant of the shared exported resources
 * only (tenantIsolation.ts), which exists while it has rules and is removed otherwise; it is given
 * only after the consumer write policy is in place, so shared objects stay owner-only for writes. A timer brings the binding back when its heartbeat would time out, so a
 * silent konnector is noticed without any event.
 */
export function createClusterBindingReconciler(deps: ClusterBindingReconcilerDeps): Reconciler {
  const { clients } = deps;
  const now = deps.now ?? (() => new Date());
  const resyncMs = deps.resyncMs ?? 600_000;
  return async (key, { signal }) => {
    const cb = deps.clusterBindings.get(key);
    if (!cb || cb.metadata.deletionTimestamp) return;
    const { namespace } = splitObjectKey(key);
    if (!namespace) return;
    const ns = deps.namespaces.get(namespace) ?? (await clients.namespaces.tryGet(namespace, { signal }));
    if (!ns?.metadata.uid || ns.metadata.deletionTimestamp) return;
    const providerNs = { name: namespace, uid: ns.metadata.uid };

    await ensureRoleBinding(clients.roleBindings, providerNamespaceRoleBinding(namespace), signal);
    const exports = deps.exports.list(namespace);
    await ensureClusterRole(clients.clusterRoles, consumerClusterRole(providerNs, exports), signal);
    const grant = consumerClusterWideGrant(
      providerNs,
      exports,
      deps.consumerScope,
      deps.clusterScopedIsolation,
    );
    if (grant) {
      // The policy keeps the grant's writes owner-only: it goes first (it is also applied at
      // bootstrap, before any controller runs; here it is repaired if someone changed it).
      await ensureConsumerWritePolicy(clients.admissionPolicies, clients.admissionPolicyBindings, signal);
      // Role before binding, so the binding never points at a missing role.
      await ensureClusterRole(clients.clusterRoles, grant.role, signal);
      await ensureRoleBinding(clients.clusterRoleBindings, grant.binding, signal);
    } else {
      await deleteIfPresent(clients.clusterRoleBindings, consumerClusterRoleName(namespace), { signal });
      await deleteIfPresent(clients.clusterRoles, consumerClusterWideRoleName(namespace), { signal });
    }

    const t = now();
    const health = heartbeatHealth(cb.status, t, deps.heartbeat);
    const conditions = setSummary(setCondition(cb.status?.conditions, health.condition, t), t);
    await patchStatus(clients.clusterBindings, cb, { ...cb.status, conditions }, signal);
    return { requeueAfterMs: Math.min(health.recheckAfterMs ?? resyncMs, resyncMs) };
  };
}
