export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Random spread as a fraction of the delay (0..1); spreads reconnecting clients apart. */
  jitter: number;
}

/** Exponential backoff with jitter, for reconnect loops. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly opts: BackoffOptions = { initialMs: 100, maxMs: 10_000, jitter: 0.5 },
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const base = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.attempt);
    this.attempt++;
    const spread = base * this.opts.jitter;
    return Math.max(0, Math.round(base - spread / 2 + this.random() * spread));
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
