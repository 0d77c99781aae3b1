/**
 * The timing rules of lease-based leader election, as pure functions of the local monotonic
 * clock (milliseconds, e.g. performance.now()). Wall-clock time only goes into the Lease record
 * for humans; no decision depends on it, so clock steps and differences between machines do not
 * matter.
 */
export interface LeaseTiming {
  /** How long a lease is valid after its last renewal, as others see it. */
  leaseDurationMs: number;
  /** A leader that has not renewed for this long stops all work; shorter than the lease duration. */
  renewDeadlineMs: number;
  /** Interval between acquire/renew attempts. */
  retryPeriodMs: number;
}

export const defaultLeaseTiming: LeaseTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** Retry periods are stretched by up to this factor, so candidates do not retry in lockstep. */
export const retryJitterFactor = 1.2;

/** What is wrong with a timing (client-go's rules), or undefined. */
export function leaseTimingProblem(t: LeaseTiming): string | undefined {
  for (const [name, v] of Object.entries(t)) {
    if (!Number.isFinite(v) || v <= 0) return `${name} must be a positive number of milliseconds, got ${v}`;
  }
  if (!(t.renewDeadlineMs < t.leaseDurationMs))
    return `renewDeadline (${t.renewDeadlineMs} ms) must be shorter than leaseDuration (${t.leaseDurationMs} ms): the leader must stop before others may take the lease`;
  if (!(t.retryPeriodMs * retryJitterFactor < t.renewDeadlineMs))
    return `renewDeadline (${t.renewDeadlineMs} ms) must be longer than ${retryJitterFactor} × retryPeriod (${t.retryPeriodMs} ms), or a leader could not retry once before it must stop`;
  return undefined;
}

/**
 * Until when a leader may work after an acquire or renew attempt that started at `attemptStartedAt`
 * succeeded. The record that attempt wrote cannot have been stored, let alone seen by another
 * candidate, before the attempt started; others count the lease duration from when they saw it.
 * Stopping at start + renewDeadline therefore stops at least leaseDuration − renewDeadline before
 * anyone else may take the lease, whatever the network did to the request.
 */
export function leadershipDeadline(attemptStartedAt: number, t: LeaseTiming): number {
  return attemptStartedAt + t.renewDeadlineMs;
}

/** How long one acquire/renew attempt may take: never past the deadline it would have to meet. */
export function attemptTimeoutMs(now: number, deadline: number): number {
  return Math.max(0, deadline - now);
}

/** Whether a lease last seen to change at `observedAt` (local clock) has expired at `now`. */
export function leaseExpired(observedAt: number, leaseDurationMs: number, now: number): boolean {
  return now >= observedAt + leaseDurationMs;
}

export interface AttemptResult {
  /** Local time the attempt started (before its first request was sent). */
  startedAt: number;
  /** Local time its answer arrived (or it failed). */
  finishedAt: number;
  /** This process wrote the lease as its holder. */
  renewed: boolean;
  /** The holder the attempt observed ('' when none or unknown). */
  holder: string;
}

export type LeadDecision = { kind: 'lead'; deadline: number } | { kind: 'stop'; reason: string };

/**
 * After an acquire or renew attempt by `identity`, whose leadership so far lasts until `deadline`
 * (for a first acquisition: the deadline the attempt itself must meet): lead on, with a possibly
 * later deadline, or stop now.
 */
export function decideAfterAttempt(
  attempt: AttemptResult,
  identity: string,
  deadline: number,
  t: LeaseTiming,
): LeadDecision {
  if (attempt.renewed) {
    const next = leadershipDeadline(attempt.startedAt, t);
    // An answer that arrives after the deadline of its own write is worth nothing.
    if (attempt.finishedAt >= next)
      return { kind: 'stop', reason: `the lease write was answered after the renew deadline` };
    return { kind: 'lead', deadline: Math.max(deadline, next) };
  }
  if (attempt.holder && attempt.holder !== identity)
    return { kind: 'stop', reason: `the lease is held by ${attempt.holder}` };
  if (attempt.finishedAt >= deadline)
    return {
      kind: 'stop',
      reason: `the lease was not renewed within the renew deadline of ${t.renewDeadlineMs} ms`,
    };
  return { kind: 'lead', deadline };
}
