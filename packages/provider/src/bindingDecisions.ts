import type { OsbError } from '@klutch/broker-clients';

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
