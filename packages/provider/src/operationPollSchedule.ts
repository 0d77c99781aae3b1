/**
 * When to poll a running backend operation again. Without a Retry-After from
 * the backend, the next poll comes after a quarter of the time the operation
 * has been running (at least `firstMs`, at most `maxMs`): a finished
 * operation is noticed within about 25% of its own duration, while a long one
 * costs only a few dozen requests (the interval grows by a quarter per poll).
 * A Retry-After always wins (OSB asks platforms to honour it). State is per
 * resource and in memory only: after a restart polling simply starts fast.
 */
export class OperationPollSchedule {
  private readonly polls = new Map<string, { start: number; at: number }>();

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
    const start = last && now - last.at <= 2 * this.opts.maxMs ? last.start : now;
    this.polls.set(key, { start, at: now });
    if (retryAfterMs !== undefined) return retryAfterMs;
    return Math.min(this.opts.maxMs, Math.max(this.opts.firstMs, Math.round((now - start) / 4)));
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
