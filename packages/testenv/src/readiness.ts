import { request } from 'node:https';
import { request as httpRequest } from 'node:http';

export interface ProbeTarget {
  url: string;
  caPem?: string;
}

/** One GET; resolves to the HTTP status, or 0 when the connection failed. */
export function probe(t: ProbeTarget, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const u = new URL(t.url);
    const req = (u.protocol === 'https:' ? request : httpRequest)(
      u,
      { method: 'GET', ca: t.caPem, timeout: timeoutMs, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end();
  });
}

/**
 * Polls until the endpoint answers 200. `failFast` is consulted between polls
 * so that a component that crashed is reported at once instead of after the
 * whole timeout.
 */
export async function waitForOk(
  t: ProbeTarget,
  opts: { timeoutMs: number; what: string; failFast?: () => string | undefined; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let delay = 25;
  for (;;) {
    opts.signal?.throwIfAborted();
    const last = await probe(t);
    if (last === 200) return;
    const failure = opts.failFast?.();
    if (failure) throw new Error(`${opts.what} failed to start:\n${failure}`);
    if (Date.now() > deadline) {
      throw new Error(
        `${opts.what} not ready after ${opts.timeoutMs} ms (last status ${last || 'no connection'})`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}
