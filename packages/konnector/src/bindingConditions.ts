import { markFalse, markTrue, setSummary } from '@klutch/kube';
import type { Condition } from '@klutch/kube';
import type { KubeconfigCheck } from './providerKubeconfig.js';

export type InformerSyncState =
  { state: 'syncing' } | { state: 'synced' } | { state: 'timedOut'; afterMs: number };
export type HeartbeatState = { state: 'pending' } | { state: 'ok' } | { state: 'failed'; message: string };
export type ConnectedState =
  { state: 'pending' } | { state: 'connected' } | { state: 'failed'; reason: string; message: string };

export interface BindingObservation {
  secret: KubeconfigCheck;
  /** Absent while there is no provider connection (invalid secret). */
  informers?: InformerSyncState;
  heartbeat?: HeartbeatState;
  connected?: ConnectedState;
}

export const conditionTypes = {
  secretValid: 'SecretValid',
  informersSynced: 'InformersSynced',
  heartbeating: 'Heartbeating',
  connected: 'Connected',
} as const;

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/**
 * The conditions of an APIServiceBinding (reference 1.4) from what the konnector observed, with
 * Ready as their summary. States not known yet are False/Info rather than Unknown: in the summary
 * True outranks Unknown, so Unknown would let Ready turn True before the binding works.
 * Pure: the caller writes the result only when it differs.
 */
export function computeBindingConditions(
  existing: readonly Condition[] | undefined,
  obs: BindingObservation,
  now: Date = new Date(),
): Condition[] {
  let c: Condition[] = [...(existing ?? [])];
  const noConnection = 'Waiting for a valid kubeconfig secret before connecting to the service provider.';
  if (obs.secret.valid) c = markTrue(c, conditionTypes.secretValid, now);
  else c = markFalse(c, conditionTypes.secretValid, obs.secret.reason, 'Error', obs.secret.message, now);

  const informers = obs.informers;
  if (!informers)
    c = markFalse(c, conditionTypes.informersSynced, 'NoProviderConnection', 'Info', noConnection, now);
  else if (informers.state === 'synced') c = markTrue(c, conditionTypes.informersSynced, now);
  else if (informers.state === 'syncing')
    c = markFalse(
      c,
      conditionTypes.informersSynced,
      'InformersSyncing',
      'Info',
      'Waiting for the informers on the service provider cluster to sync.',
      now,
    );
  else
    c = markFalse(
      c,
      conditionTypes.informersSynced,
      'InformerSyncTimeout',
      'Error',
      `Informers did not sync within ${seconds(informers.afterMs)}. Check that the service provider cluster is reachable and that the kubeconfig grants list/watch access.`,
      now,
    );

  const hb = obs.heartbeat;
  if (!hb) c = markFalse(c, conditionTypes.heartbeating, 'NoProviderConnection', 'Info', noConnection, now);
  else if (hb.state === 'ok') c = markTrue(c, conditionTypes.heartbeating, now);
  else if (hb.state === 'pending')
    c = markFalse(
      c,
      conditionTypes.heartbeating,
      'HeartbeatPending',
      'Info',
      'No heartbeat has been sent to the service provider yet.',
      now,
    );
  else
    c = markFalse(
      c,
      conditionTypes.heartbeating,
      'ClusterBindingUpdateFailed',
      'Warning',
      `Failed to update service provider ClusterBinding: ${hb.message}`,
      now,
    );

  const conn = obs.connected;
  if (!conn) c = markFalse(c, conditionTypes.connected, 'NoProviderConnection', 'Info', noConnection, now);
  else if (conn.state === 'connected') c = markTrue(c, conditionTypes.connected, now);
  else if (conn.state === 'pending')
    c = markFalse(
      c,
      conditionTypes.connected,
      'Pending',
      'Info',
      'Waiting for the APIServiceExport of the service provider.',
      now,
    );
  else c = markFalse(c, conditionTypes.connected, conn.reason, 'Error', conn.message, now);

  return setSummary(c, now);
}
