/** Heartbeats go out every interval/2, so one missed write never trips the 2×interval timeout. */
export function heartbeatDue(lastHeartbeatTime: string | undefined, now: Date, intervalMs: number): boolean {
  if (!lastHeartbeatTime) return true;
  const last = Date.parse(lastHeartbeatTime);
  if (Number.isNaN(last)) return true;
  // A heartbeat from the future (clock skew or a restored backup) is replaced at once.
  if (last > now.getTime()) return true;
  return now.getTime() - last >= intervalMs / 2;
}

/** How long until the next heartbeat is due (at least 100 ms). */
export function nextHeartbeatInMs(
  lastHeartbeatTime: string | undefined,
  now: Date,
  intervalMs: number,
): number {
  if (!lastHeartbeatTime) return 100;
  const last = Date.parse(lastHeartbeatTime);
  if (Number.isNaN(last)) return 100;
  return Math.max(100, last + intervalMs / 2 - now.getTime());
}

/** metav1.Time: RFC 3339 with whole seconds. */
export function formatKubeTime(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}
