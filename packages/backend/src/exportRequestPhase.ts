export type RequestPhase = 'Pending' | 'Failed' | 'Succeeded';

export interface RequestTimings {
  /** A request that keeps failing this long (since creation) becomes Failed. Default 1 min. */
  failAfterMs: number;
  /** A finished request is deleted this long after its creation. Default 10 min. */
  deleteAfterMs: number;
}

export const defaultRequestTimings: RequestTimings = { failAfterMs: 60_000, deleteAfterMs: 600_000 };

export type RequestStep =
  | { kind: 'delete' }
  | { kind: 'wait'; phase: RequestPhase; terminalMessage?: string; recheckAfterMs: number };

/**
 * The result of one attempt to create a request's exports. A `terminal` failure (the backend's
 * settings refuse the export) cannot heal by waiting, so it fails the request at once.
 */
export type RequestOutcome = { ok: true } | { ok: false; message: string; terminal?: boolean };

/**
 * What to do with an export request, given its phase, its age and (while Pending) whether all
 * exports could be created in this reconcile (reference 2.9, with timers instead of waiting for
 * the next event: quirk 20).
 */
export function nextRequestStep(
  phase: RequestPhase,
  ageMs: number,
  outcome: RequestOutcome | undefined,
  timings: RequestTimings,
): RequestStep {
  const untilDelete = Math.max(0, timings.deleteAfterMs - ageMs);
  if (phase !== 'Pending') {
    return untilDelete === 0 ? { kind: 'delete' } : { kind: 'wait', phase, recheckAfterMs: untilDelete };
  }
  if (!outcome || outcome.ok) return { kind: 'wait', phase: 'Succeeded', recheckAfterMs: untilDelete || 1 };
  if (outcome.terminal === true || ageMs >= timings.failAfterMs) {
    return {
      kind: 'wait',
      phase: 'Failed',
      terminalMessage: outcome.message,
      recheckAfterMs: untilDelete || 1,
    };
  }
  // Retry soon (the missing piece may appear without an event we watch), and fail on time.
  return { kind: 'wait', phase: 'Pending', recheckAfterMs: Math.min(timings.failAfterMs - ageMs, 5_000) };
}
