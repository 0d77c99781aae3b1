import { splitObjectKey } from '@klutch/kube';
import type { Informer, Reconciler } from '@klutch/kube';
import type { BackendClients } from '../backendClients.js';
import type { ClusterBindingObject } from '../backendObjects.js';
import type { KubeconfigSettings } from '../consumerKubeconfig.js';
import { renewalDue } from '../credentialSchedule.js';
import type { CredentialTimings } from '../credentialSchedule.js';
import { tokenExpirationAnnotation } from '../names.js';
import { rotateWithClients } from '../rotateConsumerCredentials.js';

export interface CredentialRotationReconcilerDeps {
  clients: BackendClients;
  clusterBindings: Informer<ClusterBindingObject>;
  settings: KubeconfigSettings;
  timings: CredentialTimings;
  now?: () => Date;
}

/**
 * Re-issues a consumer's token and rewrites its kubeconfig Secret before the token expires, and
 * sleeps until the next renewal is due. Secrets this backend did not write (no expiry annotation,
 * e.g. long-lived tokens of a Go backend) are left alone.
 */
export function createCredentialRotationReconciler(deps: CredentialRotationReconcilerDeps): Reconciler {
  const now = deps.now ?? (() => new Date());
  return async (key, { signal, logger }) => {
    const cb = deps.clusterBindings.get(key);
    if (!cb || cb.metadata.deletionTimestamp) return;
    const { namespace } = splitObjectKey(key);
    if (!namespace) return;
    const secret = await deps.clients.secrets.tryGet(cb.spec.kubeconfigSecretRef.name, { namespace, signal });
    const expiresAt = secret?.metadata.annotations?.[tokenExpirationAnnotation];
    if (!secret || !expiresAt) return;
    const due = renewalDue(expiresAt, now(), deps.timings);
    if (!due.renewNow) return { requeueAfterMs: due.recheckAfterMs };
    const result = await rotateWithClients(
      deps.clients,
      { ...deps.settings, providerNamespace: namespace, credentialTimings: deps.timings, signal },
      false,
    );
    logger.info({ secret: result.secretName, expiresAt: result.expiresAt }, 'rotated consumer credentials');
    const next = renewalDue(result.expiresAt, now(), deps.timings);
    return { requeueAfterMs: next.renewNow ? 60_000 : next.recheckAfterMs };
  };
}
