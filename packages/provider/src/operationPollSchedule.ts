/**
 * When to poll a running backend operation again. Without a Retry-After from
 * the backend, the first poll comes after `firstMs` and the interval doubles
 * up to `maxMs`: short operations are noticed within a fraction of their own
 * duration, long ones cost few requests. A Retry-After always wins (OSB asks
 * platforms to honour it). State is per resource and kept in memory only: after
 * a restart polling simply starts fast again.
 */
export class OperationPollSchedule {
  private readonly polls = new Map<string, { n: number; at: number }>();

  constructor(
    private readonly opts: { firstMs: number; maxMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Delay before the next poll of the operation running for `key`. */
  next(key: string, retryAfterMs?: number): number {
    const now = this.now();
    if (this.polls.size > 1024) this.prune();
    const last = this.polls.get(key);
    // A key not polled for a while belongs to a new operation (done() may have been missed).
    const n = last && now - last.at <= 2 * this.opts.maxMs ? last.n : 0;
    this.polls.set(key, { n: n + 1, at: now });
    if (retryAfterMs !== undefined) return retryAfterMs;
    return Math.min(this.opts.maxMs, this.opts.firstMs * 2 ** n);
  }

  /** The operation for `key` finished (or was abandoned): the next one starts fast again. */
  done(key: string): void {
    this.polls.delete(key);
  }

  /** Forgets keys not polled for a while, so deleted resources leave nothing behind. */
  prune(): void {
    const now = this.now();
    for (const [k, v] of this.polls) if (now - v.at > 2 * this.opts.maxMs) this.polls.delete(k);
  }
}
