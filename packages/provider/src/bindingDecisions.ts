import type { OsbError } from '@klutch/broker-clients';
import type { PendingBindingOperation } from './bindingOperation.js';
import { nextBindingId, rotationDue } from './bindingRotation.js';

/**
 * What an error answer to an unbind (DELETE of a binding) means, per OSB v2.17: only 410 Gone
 * says the binding does not exist. Any other answer, a bare 404 included, is an error: the
 * binding and its live credentials may still exist at the broker, so the Secret and the resource
 * must stay until the broker confirms.
 */
export function unbindErrorMeans(err: Pick<OsbError, 'isGone'>): 'gone' | 'error' {
  return err.isGone() ? 'gone' : 'error';
}

/** The next step of an unbind. */
export type UnbindStep =
  /** The back-off of a failed unbind runs: write nothing, look again when it ends. */
  | { kind: 'wait'; requeueAfterMs: number }
  /** Send the DELETE. */
  | { kind: 'send' };

/**
 * Whether an unbind may be sent now. While the back-off of a failed one runs, nothing is written:
 * the failure (the broker's description) is already in Synced, and a status write would wake the
 * reconcile up again at once (a hot loop for the whole back-off window).
 */
export function decideUnbind(backoffRemainingMs: number): UnbindStep {
  return backoffRemainingMs > 0 ? { kind: 'wait', requeueAfterMs: backoffRemainingMs } : { kind: 'send' };
}

const cleanupNote =
  ' Clean-up pending: the provider unbinds at the broker (retrying with back-off until the broker confirms), then binds again.';

/**
 * The Synced message while the clean-up unbind of a failed bind is owed to the broker. Every
 * failed attempt keeps the note, not only the first: after a restart or a refused retry the user
 * must still see that credentials may be left at the broker and that the provider is on it.
 */
export function bindCleanupPending(failure: string, cleanupFailure?: string): string {
  const cleanup = cleanupFailure !== undefined ? ` The clean-up unbind failed too: ${cleanupFailure}.` : '';
  return `${failure}${cleanup}${cleanupNote}`;
}

/** The Synced message when a repeated clean-up unbind is refused by the broker. */
export function bindCleanupRefused(brokerMessage: string): string {
  return bindCleanupPending(`Cannot clean up the failed bind at the broker: ${brokerMessage}`);
}

/** What one reconcile of a live (not deleting) binding has observed so far. */
export interface BindingObservation {
  /** The UID of the resource, from which the ids of rotated bindings are derived. */
  uid: string;
  /** The id of the current binding at the broker. */
  bindingId: string;
  /** The recorded asynchronous operation, or the clean-up unbind that is owed. */
  pending?: PendingBindingOperation;
  /** A rotated-away binding that is not unbound yet. */
  predecessorId?: string;
  /** Whether the credentials are published (Secret present, binding recorded as created); undefined until read. */
  published?: boolean;
  /** Whether the service lets the provider fetch a binding to check it still exists. */
  retrievable: boolean;
  /** Whether the broker still has the binding; undefined until fetched. */
  atBroker?: boolean;
  /** When the credentials are to be renewed (ISO time), if they expire. */
  renewAt?: string;
  nowMs: number;
  pollIntervalMs: number;
}

/** The next step of the reconcile of a live binding. */
export type BindingStep =
  /** Send the owed clean-up unbind of a failed bind; binding again could meet what it left behind. */
  | { step: 'clean-up'; bindingId: string }
  /** Poll the running bind or unbind. */
  | { step: 'poll'; operation: PendingBindingOperation }
  /** Unbind the predecessor of an interrupted rotation. */
  | { step: 'unbind-predecessor'; bindingId: string }
  /** Read the Secret with the credentials. */
  | { step: 'read-secret' }
  /** Ask the broker whether the binding still exists. */
  | { step: 'fetch' }
  /** Create the binding (again) and publish its credentials. */
  | { step: 'bind'; bindingId: string }
  /** Create the successor of expiring credentials, then unbind the predecessor. */
  | { step: 'rotate'; bindingId: string; predecessorId: string }
  /** In sync: Ready, Synced, and look again after `requeueAfterMs`. */
  | { step: 'steady'; requeueAfterMs: number };

/**
 * The next step for a live binding. Unfinished business comes first (an owed clean-up, a running
 * operation, an interrupted rotation), then the observation that is still missing, then what the
 * observation asks for. The reconcile performs the step, observes again and asks again, until a
 * step ends the reconcile; each step removes what led to it, so that takes at most six steps.
 */
export function decideBinding(o: BindingObservation): BindingStep {
  if (o.pending?.kind === 'unbind-due') return { step: 'clean-up', bindingId: o.pending.bindingId };
  if (o.pending) return { step: 'poll', operation: o.pending };
  if (o.predecessorId) return { step: 'unbind-predecessor', bindingId: o.predecessorId };
  if (o.published === undefined) return { step: 'read-secret' };
  if (!o.published) return { step: 'bind', bindingId: o.bindingId };
  if (o.retrievable && o.atBroker === undefined) return { step: 'fetch' };
  if (o.atBroker === false) return { step: 'bind', bindingId: o.bindingId };
  const due = rotationDue(o.renewAt, new Date(o.nowMs));
  if (due.due) {
    return { step: 'rotate', bindingId: nextBindingId(o.uid, o.bindingId), predecessorId: o.bindingId };
  }
  return { step: 'steady', requeueAfterMs: Math.min(o.pollIntervalMs, due.inMs ?? Infinity) };
}
