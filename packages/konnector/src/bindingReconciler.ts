import { conditionsEqualIgnoringTime } from '@klutch/kube';
import type { Informer, InformerSet, ReconcileContext, ReconcileOutcome, ResourceClient } from '@klutch/kube';
import { computeBindingConditions, type BindingObservation } from './bindingConditions.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import type { EventRecorder } from '@klutch/kube';
import { kubeconfigSecretKey, type BindingObject, type SecretObject } from './konnectorObjects.js';
import { checkKubeconfigSecret, type KubeconfigCheck } from './providerKubeconfig.js';

export interface BindingReconcilerDeps {
  bindings: Informer<BindingObject>;
  bindingClient: ResourceClient<BindingObject>;
  /** The bindings' kubeconfig Secrets (one informer per Secret, following the bindings). */
  secrets: InformerSet<SecretObject>;
  registry: ConnectionRegistry;
  events: EventRecorder;
  /** Validates the binding's Secret; default: a provider kubeconfig (control-plane mode passes another). */
  checkSecret?: (
    secret: SecretObject | undefined,
    ref: { namespace: string; name: string; key: string },
  ) => KubeconfigCheck;
}

/**
 * Keyed by APIServiceBinding namespace/name: validates its kubeconfig Secret, attaches it to the
 * provider connection of that kubeconfig, installs its CRD, and writes every condition.
 */
export function createBindingReconciler(d: BindingReconcilerDeps) {
  return async (key: string, { signal, logger }: ReconcileContext): Promise<ReconcileOutcome | void> => {
    const binding = d.bindings.get(key);
    if (!binding) {
      await d.registry.release(key);
      return;
    }
    const ref = binding.spec.kubeconfigSecretRef;
    const secretKey = kubeconfigSecretKey(binding);
    // The Secret's informer starts when the binding appears; until it has listed, a miss would
    // be reported as KubeconfigSecretNotFound although the Secret may well exist.
    if (!d.secrets.hasSyncedFor(secretKey)) return { requeueAfterMs: 100 };
    const secret = d.secrets.get(secretKey);
    const check = (d.checkSecret ?? checkKubeconfigSecret)(secret, {
      namespace: ref.namespace,
      name: ref.name,
      key: ref.key || 'kubeconfig',
    });
    const obs: BindingObservation = { secret: check };
    let prettyName = binding.status?.providerPrettyName;
    let retry: ReconcileOutcome | undefined;
    if (!check.valid) {
      await d.registry.release(key);
    } else {
      const conn = await d.registry.acquire(key, check.kubeconfig, check.providerNamespace);
      obs.informers = conn.informers();
      obs.heartbeat = conn.heartbeatState();
      obs.connected = await conn.syncCrd(binding, signal);
      prettyName = conn.prettyName() ?? prettyName;
      // Not-yet-known states resolve through events; the timer guards against a missed one.
      if (obs.connected.state !== 'connected') retry = { requeueAfterMs: 10_000 };
    }
    const conditions = computeBindingConditions(binding.status?.conditions, obs);
    const before = binding.status?.conditions;
    if (
      conditionsEqualIgnoringTime(before, conditions) &&
      (prettyName ?? '') === (binding.status?.providerPrettyName ?? '')
    )
      return retry;
    const status: NonNullable<BindingObject['status']> = { ...(binding.status ?? {}), conditions };
    if (prettyName !== undefined) status.providerPrettyName = prettyName;
    await d.bindingClient.update({ ...binding, status }, { subresource: 'status', signal });
    for (const c of conditions) {
      const old = before?.find((b) => b.type === c.type);
      if (c.type !== 'Ready' && c.status === 'False' && (old?.status !== 'False' || old.reason !== c.reason))
        await d.events.warning(binding, c.reason ?? c.type, c.message ?? '');
    }
    logger.debug({ ready: conditions.find((c) => c.type === 'Ready')?.status }, 'binding status updated');
    return retry;
  };
}
