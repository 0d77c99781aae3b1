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
