import type { LastOperationResult } from '@klutch/broker-clients';
import { deletionBlockedByBindings } from './claimReferences.js';
import { instanceReadyState } from './instanceConditions.js';
import { available, deleting, unavailable, type ReadyState } from './managedConditions.js';
import type { OperationKind, PendingOperation } from './pendingOperation.js';
import type { FailureReason } from './reconcileFailure.js';

/**
 * The decisions of the ServiceInstance reconcile about broker operations, free of I/O: what was
 * observed goes in (the pending operation, the broker's answer, the clock, the plan's polling
 * limit), the next step and the status to write come out. The reconcile only observes, calls
 * `decideInstance` (which combines the others) and performs the step, so each OSB answer and each
 * waiting state is one row of the table in instanceDecisions.test.ts.
 */

/** What the reconcile does after a decision. */
export type InstanceStep =
  /** The operation still runs: write `ready` (if it changed) and poll again. */
  | 'poll'
  /** The operation is over: go on with the reconcile (observe, maybe update). */
  | 'continue'
  /** The instance is gone at the broker: release the resource. */
  | 'released'
  /** Something failed: write the status, send the Event, wait for the back-off. */
  | 'failed'
  /** Nothing to do until the back-off ends: write nothing (a write would wake the reconcile up). */
  | 'wait';

export interface InstanceDecision {
  step: InstanceStep;
  /** The new `status.pendingOperation`; undefined clears it. */
  pending: PendingOperation | undefined;
  /** Ready to write; undefined keeps what is there. */
  ready?: ReadyState;
  /** Synced=False with this message; undefined means Synced=True (unless `keepSynced`). */
  error?: string;
  /** Leave Synced as it is (a waiting state must not hide the last failure). */
  keepSynced?: boolean;
  /** A Warning Event to record. */
  event?: { reason: FailureReason; message: string };
  /** Which back-off to start: the one of changes (provision, update, deprovision) or of the clean-up. */
  backoff?: 'change' | 'cleanup';
}

export interface OperationObservation {
  pending: PendingOperation;
  answer: Pick<LastOperationResult, 'state' | 'description' | 'instanceUsable'>;
  /** The resource has a deletion timestamp. */
  deleting: boolean;
  nowMs: number;
  /** The plan's maximum_polling_duration; no limit when undefined. */
  maximumPollingDurationMs?: number;
  /** The message of the current Synced=False condition, kept while a clean-up finishes. */
  lastError?: string;
}

const noun: Record<OperationKind, string> = {
  provision: 'provision',
  update: 'update',
  deprovision: 'deprovision',
  cleanup: 'clean-up of the failed provision',
  'cleanup-due': 'clean-up of the failed provision',
};

const failureReason: Record<OperationKind, FailureReason> = {
  provision: 'CannotCreateExternalResource',
  update: 'CannotUpdateExternalResource',
  deprovision: 'CannotDeleteExternalResource',
  cleanup: 'CannotDeleteExternalResource',
  'cleanup-due': 'CannotDeleteExternalResource',
};

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
}

/** The user-facing message of a failed (or timed-out) operation. */
export function operationFailureMessage(
  kind: OperationKind,
  answer: Pick<LastOperationResult, 'description'>,
  timedOutAfterMs?: number,
): string {
  if (timedOutAfterMs !== undefined) {
    return (
      `The broker did not finish the ${noun[kind]} within the plan's maximum_polling_duration of ` +
      `${seconds(timedOutAfterMs)}; it is considered failed` +
      (answer.description ? ` (last description: ${answer.description}).` : '.')
    );
  }
  return answer.description
    ? `The broker reports the ${noun[kind]} as failed: ${answer.description}`
    : `The broker reports the ${noun[kind]} as failed without a description.`;
}

const cleanupNote =
  ' Clean-up pending: the provider deletes the instance at the broker (retrying with back-off until the broker confirms), then provisions again.';

/** Status and next step while the clean-up of a failed provision is owed to the broker. */
export function cleanupPending(message: string): Pick<InstanceDecision, 'ready' | 'error'> {
  return { ready: unavailable(message), error: `${message}${cleanupNote}` };
}

/** After a confirmed clean-up the root cause stays in Synced, without the note that it is pending. */
function afterCleanup(lastError: string | undefined): Pick<InstanceDecision, 'error' | 'keepSynced'> {
  if (lastError === undefined) return { keepSynced: true };
  return { error: lastError.endsWith(cleanupNote) ? lastError.slice(0, -cleanupNote.length) : lastError };
}

/** One answer of `last_operation` for the instance's pending operation. */
export function decideOperation(o: OperationObservation): InstanceDecision {
  const { pending, answer } = o;
  const elapsed = pending.startedAtMs !== undefined ? o.nowMs - pending.startedAtMs : undefined;
  const timedOut =
    answer.state === 'in progress' &&
    o.maximumPollingDurationMs !== undefined &&
    elapsed !== undefined &&
    elapsed > o.maximumPollingDurationMs;

  if (answer.state === 'in progress' && !timedOut) {
    let ready: ReadyState;
    if (pending.kind === 'cleanup' || pending.kind === 'cleanup-due')
      ready = unavailable('The broker is deleting the instance of the failed provision.');
    else if (o.deleting && pending.kind !== 'deprovision')
      ready = deleting(`Waiting for the running ${pending.kind} to finish before deprovisioning.`);
    else ready = instanceReadyState({ pending: pending.kind });
    if (answer.description)
      ready = { ...ready, message: `${ready.message ?? ''} ${answer.description}`.trim() };
    // A clean-up keeps the failure it cleans up after in Synced.
    const keep = pending.kind === 'cleanup' ? { keepSynced: true } : {};
    return { step: 'poll', pending, ready, ...keep };
  }

  if (answer.state === 'succeeded') {
    switch (pending.kind) {
      case 'deprovision':
        return {
          step: 'released',
          pending: undefined,
          ready: deleting('The instance has been deprovisioned.'),
        };
      case 'cleanup':
      case 'cleanup-due':
        if (o.deleting)
          return {
            step: 'released',
            pending: undefined,
            ready: deleting('The instance has been deprovisioned.'),
          };
        return {
          step: 'continue',
          pending: undefined,
          ready: unavailable(
            'The broker deleted the instance of the failed provision; provisioning again after the back-off.',
          ),
          ...afterCleanup(o.lastError),
        };
      default:
        return { step: 'continue', pending: undefined };
    }
  }

  // Failed, or polled for longer than the plan allows (which the spec says counts as failed).
  const message = operationFailureMessage(
    pending.kind,
    answer,
    timedOut ? o.maximumPollingDurationMs : undefined,
  );
  const event = { reason: failureReason[pending.kind], message };
  switch (pending.kind) {
    case 'provision':
      if (o.deleting) {
        // The deletion deprovisions anyway: no separate clean-up.
        return {
          step: 'failed',
          pending: undefined,
          ready: deleting(message),
          error: message,
          event,
          backoff: 'change',
        };
      }
      // The broker may have left something behind: delete it before provisioning again.
      return {
        step: 'failed',
        pending: { kind: 'cleanup-due', startedAtMs: o.nowMs },
        ...cleanupPending(message),
        event,
        backoff: 'change',
      };
    case 'update':
      return {
        step: 'failed',
        pending: undefined,
        ready: answer.instanceUsable === false ? unavailable(message) : available(message),
        error: message,
        event,
        backoff: 'change',
      };
    case 'deprovision':
      return {
        step: 'failed',
        pending: undefined,
        ready: deleting(message),
        error: message,
        event,
        backoff: 'change',
      };
    default:
      return {
        step: 'failed',
        pending: { kind: 'cleanup-due', startedAtMs: o.nowMs },
        ...cleanupPending(message),
        event,
        backoff: 'cleanup',
      };
  }
}

/** How the broker answered the DELETE of a clean-up (or of a deletion). */
export type DeleteAnswer =
  { kind: 'gone' } | { kind: 'async'; operation?: string } | { kind: 'error'; message: string };

/** The DELETE that cleans up after a failed provision. */
export function decideCleanup(
  answer: DeleteAnswer,
  o: { nowMs: number; lastError?: string },
): InstanceDecision {
  switch (answer.kind) {
    case 'gone':
      return {
        step: 'continue',
        pending: undefined,
        ready: unavailable(
          'The broker deleted the instance of the failed provision; provisioning again after the back-off.',
        ),
        ...afterCleanup(o.lastError),
      };
    case 'async':
      return {
        step: 'poll',
        pending: {
          kind: 'cleanup',
          startedAtMs: o.nowMs,
          ...(answer.operation !== undefined ? { key: answer.operation } : {}),
        },
        ready: unavailable('The broker is deleting the instance of the failed provision.'),
        keepSynced: true,
      };
    default: {
      const message = `Cannot clean up the failed provision at the broker: ${answer.message}`;
      return {
        step: 'failed',
        pending: { kind: 'cleanup-due', startedAtMs: o.nowMs },
        ...cleanupPending(message),
        event: { reason: 'CannotDeleteExternalResource', message },
        backoff: 'cleanup',
      };
    }
  }
}

/**
 * A change (provision, update, deprovision, clean-up) that must wait for its back-off. Nothing is
 * written: the failure that started the back-off is already in the status, and a write would
 * trigger a watch event and with it the next reconcile, long before the back-off ends.
 */
export function decideWaiting(pending: PendingOperation | undefined): InstanceDecision {
  return { step: 'wait', pending };
}

/** What the reconcile does after observing the instance at the broker (no operation pending). */
export type ObservedStep =
  | { step: 'provision' }
  | { step: 'update' }
  /** In sync: write `ready`, Synced=True, and observe again later. */
  | { step: 'steady'; ready: ReadyState }
  /** A change is due but its back-off runs: write nothing (see decideWaiting). */
  | { step: 'wait' };

/**
 * The instance as observed: missing (provision), different from the spec while usable (update),
 * or in sync. A due change waits for the back-off of the last failed one.
 */
export function decideObserved(o: {
  exists: boolean;
  ready: ReadyState;
  drift: boolean;
  backoffRemainingMs: number;
}): ObservedStep {
  const change: ObservedStep | undefined = !o.exists
    ? { step: 'provision' }
    : o.drift && o.ready.reason === 'Available'
      ? { step: 'update' }
      : undefined;
  if (!change) return { step: 'steady', ready: o.ready };
  return o.backoffRemainingMs > 0 ? { step: 'wait' } : change;
}

/** What one reconcile of a ServiceInstance has observed so far. */
export interface InstanceObservation {
  /** The resource has a deletion timestamp. */
  deleting: boolean;
  /** The resource still carries the provider's finalizer. */
  hasFinalizer: boolean;
  /** spec.deletionPolicy is Orphan: a deletion leaves the instance at the broker. */
  orphan: boolean;
  /** The ServiceBindings of this instance that still exist. */
  bindings: readonly string[];
  /** Service and plan ids are recorded: something may have been requested at a broker. */
  requested: boolean;
  /** The broker id of the instance is recorded in the status. */
  idRecorded: boolean;
  /** The recorded asynchronous operation, or the clean-up DELETE that is owed. */
  pending?: PendingOperation;
  /** The broker's `last_operation` answer for `pending`; undefined until polled. */
  answer?: OperationObservation['answer'];
  /** The broker's answer to the owed clean-up DELETE; undefined until sent. */
  cleanupAnswer?: DeleteAnswer;
  /** The instance at the broker (no operation pending); undefined until observed. */
  observed?: { exists: boolean; ready: ReadyState; drift: boolean };
  /** What remains of the back-off of a failed provision, update or deprovision. */
  backoffRemainingMs: number;
  /** What remains of the back-off of a failed clean-up. */
  cleanupBackoffRemainingMs: number;
  nowMs: number;
  /** The plan's maximum_polling_duration; no limit when undefined. */
  maximumPollingDurationMs?: number;
  /** The message of the current Synced=False condition. */
  lastError?: string;
}

/** The next step of the reconcile of a ServiceInstance. */
export type InstanceReconcileStep =
  /** Deleting, and the finalizer is gone already: nothing to do. */
  | { step: 'done' }
  /** Remove the finalizer without asking the broker (Orphan, or nothing was ever requested). */
  | { step: 'release' }
  /** Bindings block the deletion: write Deleting with `message` and look again later. */
  | { step: 'blocked'; message: string }
  /** Record the broker id before anything is sent, so every request uses the same id. */
  | { step: 'record-id' }
  /** Ask the broker for the `last_operation` of the pending operation. */
  | { step: 'poll'; operation: PendingOperation }
  /** Send the owed clean-up DELETE of a failed provision. */
  | { step: 'send-cleanup' }
  /** Perform a decision about an operation (record it, write status, Event, back-off). */
  | { step: 'apply'; decision: InstanceDecision }
  /** Look at the instance at the broker. */
  | { step: 'observe' }
  | { step: 'provision' }
  | { step: 'update' }
  /** Send the DELETE of the deletion. */
  | { step: 'deprovision' }
  /** In sync: write `ready`, Synced=True, and observe again later. */
  | { step: 'steady'; ready: ReadyState };

/**
 * The next step for a ServiceInstance. A deletion first checks what keeps it from asking the
 * broker (no finalizer, Orphan, bindings, nothing requested); a live instance first records its
 * id. Then unfinished business comes first (the owed clean-up, a running operation), then the
 * observation that is still missing, then what the observation asks for. The reconcile performs
 * the step, observes again and asks again until a step ends the reconcile; each step removes what
 * led to it, so that takes at most five steps.
 */
export function decideInstance(o: InstanceObservation): InstanceReconcileStep {
  if (o.deleting) {
    if (!o.hasFinalizer) return { step: 'done' };
    if (o.orphan) return { step: 'release' };
    const blocked = deletionBlockedByBindings(o.bindings);
    if (blocked) return { step: 'blocked', message: blocked };
    if (!o.requested) return { step: 'release' };
  } else if (!o.idRecorded) {
    return { step: 'record-id' };
  }
  const pending = o.pending;
  // An owed clean-up is a deprovision: a deletion sends its own DELETE instead.
  if (pending?.kind === 'cleanup-due' && !o.deleting) {
    if (o.cleanupAnswer) {
      return {
        step: 'apply',
        decision: decideCleanup(o.cleanupAnswer, {
          nowMs: o.nowMs,
          ...(o.lastError !== undefined ? { lastError: o.lastError } : {}),
        }),
      };
    }
    if (o.cleanupBackoffRemainingMs > 0) return { step: 'apply', decision: decideWaiting(pending) };
    return { step: 'send-cleanup' };
  }
  if (pending && pending.kind !== 'cleanup-due') {
    if (!o.answer) return { step: 'poll', operation: pending };
    return {
      step: 'apply',
      decision: decideOperation({
        pending,
        answer: o.answer,
        deleting: o.deleting,
        nowMs: o.nowMs,
        ...(o.maximumPollingDurationMs !== undefined
          ? { maximumPollingDurationMs: o.maximumPollingDurationMs }
          : {}),
        ...(o.lastError !== undefined ? { lastError: o.lastError } : {}),
      }),
    };
  }
  if (o.deleting) {
    return o.backoffRemainingMs > 0
      ? { step: 'apply', decision: decideWaiting(undefined) }
      : { step: 'deprovision' };
  }
  if (!o.observed) return { step: 'observe' };
  const next = decideObserved({ ...o.observed, backoffRemainingMs: o.backoffRemainingMs });
  return next.step === 'wait' ? { step: 'apply', decision: decideWaiting(undefined) } : next;
}
