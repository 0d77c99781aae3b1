export interface HealthIntervals {
  /** Between checks of a healthy backend (default 3 minutes). */
  healthyMs: number;
  /** Between checks of an unhealthy backend (default 30 seconds). */
  unhealthyMs: number;
}

export const defaultHealthIntervals: HealthIntervals = { healthyMs: 180_000, unhealthyMs: 30_000 };

/**
 * Milliseconds until the next health check of a ProviderConfig; 0 means check now. A config never
 * checked, or whose last check time cannot be read (a user clears it to force a check), is due.
 */
export function nextHealthCheckInMs(
  health: { lastCheckTime?: string | null; lastStatus?: boolean } | undefined,
  now: Date,
  intervals: HealthIntervals,
): number {
  const last = health?.lastCheckTime ? Date.parse(health.lastCheckTime) : NaN;
  if (Number.isNaN(last)) return 0;
  const interval = health?.lastStatus ? intervals.healthyMs : intervals.unhealthyMs;
  return Math.max(0, last + interval - now.getTime());
}

/** The Event of a health check, only on the first check and on transitions. */
export function healthTransitionEvent(
  previous: { lastCheckTime?: string | null; lastStatus?: boolean } | undefined,
  healthy: boolean,
  message: string,
): { type: 'Normal' | 'Warning'; reason: string; message: string } | undefined {
  const firstCheck = !previous?.lastCheckTime;
  if (!firstCheck && previous?.lastStatus === healthy) return undefined;
  return healthy
    ? { type: 'Normal', reason: 'CheckSuccess', message: 'ProviderConfig is now healthy' }
    : { type: 'Warning', reason: 'CheckFailure', message: `Health check failed: ${message}` };
}

/**
 * The `/backend-health` answer: "degraded" when the last check failed. A config that was never
 * checked counts as ok, so a starting provider does not report outages it has not seen.
 */
export function backendHealth(
  configs: ReadonlyArray<{
    metadata: { name?: string };
    status?: { health?: { lastStatus?: boolean; lastCheckTime?: string | null } };
  }>,
): Record<string, 'ok' | 'degraded'> {
  const out: Record<string, 'ok' | 'degraded'> = {};
  for (const c of [...configs].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
    if (!c.metadata.name) continue;
    const h = c.status?.health;
    out[c.metadata.name] = h?.lastCheckTime && h.lastStatus === false ? 'degraded' : 'ok';
  }
  return out;
}
