import { sleep } from '@klutch/kube';
import type { Logger } from '@klutch/kube';
import type { BackendClients } from './backendClients.js';
import { ensureClusterRole, ensureConsumerWritePolicy } from './objectWrites.js';
import { binderClusterRole } from './rbacRules.js';

/**
 * Applies the ClusterRole `klutch-binder` (what every konnector needs in its provider namespace)
 * and the consumer write policy (owner-only writes, see consumerWritePolicy.ts), retrying every
 * second until it succeeds or `signal` aborts, as the Go backend's bootstrap did.
 */
export async function bootstrapBinderClusterRole(
  clients: BackendClients,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    try {
      await ensureClusterRole(clients.clusterRoles, binderClusterRole(), signal);
      await ensureConsumerWritePolicy(clients.admissionPolicies, clients.admissionPolicyBindings, signal);
      return;
    } catch (err) {
      if (signal.aborted) throw err;
      logger.warn(
        { err },
        'applying ClusterRole klutch-binder or the consumer write policy failed; retrying',
      );
      await sleep(1000, signal);
    }
  }
}
