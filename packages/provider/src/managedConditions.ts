import type { CrossplaneCondition } from '@klutch/api';
import { setCondition, type Condition } from '@klutch/kube';

/** Crossplane's condition types and reasons, so that Crossplane tooling reads our resources. */
export const READY = 'Ready';
export const SYNCED = 'Synced';

export type ReadyReason = 'Available' | 'Creating' | 'Deleting' | 'Unavailable';
export type SyncedReason = 'ReconcileSuccess' | 'ReconcileError';

/** What a reconcile found out about the external resource (Ready). */
export interface ReadyState {
  reason: ReadyReason;
  message?: string;
}

/** Whether the last reconcile could do what it had to (Synced). Undefined message: success. */
export interface SyncedState {
  error?: string;
}

export const available = (message?: string): ReadyState => ({ reason: 'Available', message });
export const creating = (message?: string): ReadyState => ({ reason: 'Creating', message });
export const deleting = (message?: string): ReadyState => ({ reason: 'Deleting', message });
export const unavailable = (message?: string): ReadyState => ({ reason: 'Unavailable', message });

/** Crossplane conditions always carry a reason, so the runtime's conditions fit the CRD's shape. */
type Conditions = readonly (Condition | CrossplaneCondition)[] | undefined;

export function withReady(
  conditions: Conditions,
  state: ReadyState,
  generation: number | undefined,
  now?: Date,
): CrossplaneCondition[] {
  return setCondition(
    conditions,
    {
      type: READY,
      status: state.reason === 'Available' ? 'True' : 'False',
      reason: state.reason,
      message: state.message,
      observedGeneration: generation,
    },
    now,
  ) as CrossplaneCondition[];
}

export function withSynced(
  conditions: Conditions,
  state: SyncedState,
  generation: number | undefined,
  now?: Date,
): CrossplaneCondition[] {
  return setCondition(
    conditions,
    state.error === undefined
      ? { type: SYNCED, status: 'True', reason: 'ReconcileSuccess', observedGeneration: generation }
      : {
          type: SYNCED,
          status: 'False',
          reason: 'ReconcileError',
          message: state.error,
          observedGeneration: generation,
        },
    now,
  ) as CrossplaneCondition[];
}
