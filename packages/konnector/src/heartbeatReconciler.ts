import { deepEqual, markFalse, markTrue, setSummary } from '@klutch/kube';
import type {
  Condition,
  Informer,
  InformerSet,
  ReconcileContext,
  ReconcileOutcome,
  ResourceClient,
} from '@klutch/kube';
import { formatGoDuration } from './goDuration.js';
import { formatKubeTime, heartbeatDue, nextHeartbeatInMs } from './heartbeatSchedule.js';
import { clusterBindingName, konnectorVersion } from './konnectorNames.js';
import type { BindingObject, ClusterBindingObject, SecretObject } from './konnectorObjects.js';
import type { HeartbeatState } from './bindingConditions.js';
import { checkProviderKubeconfig } from './providerKubeconfig.js';

export interface HeartbeatDeps {
  providerNamespace: string;
  intervalMs: number;
  clusterBindings: Informer<ClusterBindingObject>;
  clusterBindingClient: ResourceClient<ClusterBindingObject>;
  providerSecrets: Informer<SecretObject>;
  /** The bindings' kubeconfig Secrets in the app cluster. */
  appSecrets: InformerSet<SecretObject>;
  appSecretClient: ResourceClient<SecretObject>;
  /** False in control-plane mode: there is no provider kubeconfig to check and copy down. */
  copyProviderSecret?: boolean;
  /** The bindings served by this connection. */
  bindings: () => BindingObject[];
  report: (state: HeartbeatState) => void;
}

/**
 * Keeps the provider's ClusterBinding informed that this konnector is alive (lastHeartbeatTime,
 * heartbeatInterval, konnectorVersion) and copies the provider's kubeconfig Secret down to the
 * bindings' Secrets, which is how rotated credentials reach the app cluster.
 */
export function createHeartbeatReconciler(d: HeartbeatDeps) {
  return async (_key: string, { signal, logger }: ReconcileContext): Promise<ReconcileOutcome | void> => {
    const cb = d.clusterBindings.get(`${d.providerNamespace}/${clusterBindingName}`);
    if (!cb) {
      d.report({
        state: 'failed',
        message: `ClusterBinding ${d.providerNamespace}/${clusterBindingName} not found`,
      });
      return { requeueAfterMs: Math.min(d.intervalMs / 2, 10_000) };
    }
    let conditions: Condition[] = [...(cb.status?.conditions ?? [])];
    const secretName = cb.spec.kubeconfigSecretRef.name;
    const providerSecret = d.providerSecrets.get(`${d.providerNamespace}/${secretName}`);
    const key = cb.spec.kubeconfigSecretRef.key || 'kubeconfig';
    if (d.copyProviderSecret === false) {
      conditions = markTrue(conditions, 'SecretValid');
    } else if (!providerSecret) {
      conditions = markFalse(
        conditions,
        'SecretValid',
        'ProviderSecretNotFound',
        'Warning',
        `Provider secret ${d.providerNamespace}/${secretName} not found.`,
      );
    } else if (!providerSecret.data?.[key]) {
      conditions = markFalse(
        conditions,
        'SecretValid',
        'ProviderSecretInvalid',
        'Warning',
        `Provider secret ${d.providerNamespace}/${secretName} has no key "${key}".`,
      );
    } else {
      // A kubeconfig the bindings would refuse (one that runs a program, reads a file, ...) is
      // not copied down: whoever wrote it in the provider namespace must not replace the
      // working one in the app cluster.
      const check = checkProviderKubeconfig(
        Buffer.from(providerSecret.data[key], 'base64').toString('utf8'),
        `${d.providerNamespace}/${secretName}`,
      );
      if (!check.valid)
        conditions = markFalse(conditions, 'SecretValid', 'ProviderSecretInvalid', 'Warning', check.message);
      else {
        conditions = markTrue(conditions, 'SecretValid');
        for (const b of d.bindings()) await copySecret(d, providerSecret, b, signal);
      }
    }
    conditions = setSummary(markTrue(conditions, 'ValidVersion'));
    const now = new Date();
    const due = heartbeatDue(cb.status?.lastHeartbeatTime, now, d.intervalMs);
    const status: NonNullable<ClusterBindingObject['status']> = {
      ...(cb.status ?? {}),
      heartbeatInterval: formatGoDuration(d.intervalMs),
      konnectorVersion,
      conditions,
    };
    if (due) status.lastHeartbeatTime = formatKubeTime(now);
    if (!deepEqual(status, cb.status)) {
      try {
        await d.clusterBindingClient.update({ ...cb, status }, { subresource: 'status', signal });
      } catch (err) {
        d.report({ state: 'failed', message: err instanceof Error ? err.message : String(err) });
        throw err;
      }
    }
    d.report({ state: 'ok' });
    logger.debug({ heartbeat: due }, 'heartbeat reconciled');
    return { requeueAfterMs: nextHeartbeatInMs(status.lastHeartbeatTime, new Date(), d.intervalMs) };
  };
}

async function copySecret(
  d: HeartbeatDeps,
  source: SecretObject,
  binding: BindingObject,
  signal: AbortSignal,
): Promise<void> {
  const ref = binding.spec.kubeconfigSecretRef;
  const key = `${ref.namespace}/${ref.name}`;
  // A binding that just appeared may not have its Secret's informer listed yet: read it live.
  const current = d.appSecrets.hasSyncedFor(key)
    ? d.appSecrets.get(key)
    : await d.appSecretClient.tryGet(ref.name, { namespace: ref.namespace, signal });
  const type = source.type ?? 'Opaque';
  if (current && deepEqual(current.data ?? {}, source.data ?? {}) && (current.type ?? 'Opaque') === type)
    return;
  if (!current) {
    await d.appSecretClient.create(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: ref.name, namespace: ref.namespace },
        type,
        data: { ...source.data },
      },
      { signal },
    );
    return;
  }
  await d.appSecretClient.update({ ...current, type, data: { ...source.data } }, { signal });
}
