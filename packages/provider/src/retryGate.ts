export interface RetryGateOptions {
  /** Wait after the first failure (default 1 s). */
  initialMs?: number;
  /** Longest wait (default 5 minutes). */
  maxMs?: number;
  now?: () => number;
}

/**
 * Per-resource back-off for calls that change something at a backend (provision, update, bind,
 * backup...). The controller's own back-off is bypassed whenever the resource's status changes
 * (each write triggers a watch event), so a failing mutation would otherwise be retried as fast as
 * statuses can be written. Reads and polls are not gated. Kept in memory: after a restart one
 * immediate attempt is harmless.
 */
export class RetryGate {
  private readonly failures = new Map<string, { count: number; notBefore: number }>();
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;

  constructor(opts: RetryGateOptions = {}) {
    this.initialMs = opts.initialMs ?? 1_000;
    this.maxMs = opts.maxMs ?? 300_000;
    this.now = opts.now ?? Date.now;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  waitMs(key: string): number {
    const f = this.failures.get(key);
    return f ? Math.max(0, f.notBefore - this.now()) : 0;
  }

  /** Records a failed attempt; returns the delay before the next one. */
  failed(key: string): number {
    const count = (this.failures.get(key)?.count ?? 0) + 1;
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** (count - 1));
    this.failures.set(key, { count, notBefore: this.now() + delay });
    return delay;
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }

  attempts(key: string): number {
    return this.failures.get(key)?.count ?? 0;
  }
}
