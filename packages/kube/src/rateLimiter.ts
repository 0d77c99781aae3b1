/**
 * Per-item and overall rate limiters for the workqueue, with the semantics of client-go's
 * `workqueue` rate limiters: `when()` both records a failure and returns how long to wait
 * before the item may be processed again.
 */

/** A source of the current time in milliseconds; injectable so tests need no real waiting. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface RateLimiter<K> {
  /** Records one more failure of `item` and returns the delay in ms before it may be retried. */
  when(item: K): number;
  /** Resets the failure history of `item`, typically after it was processed successfully. */
  forget(item: K): void;
  /** How many failures of `item` are currently recorded. */
  retries(item: K): number;
}

export interface ExponentialBackoffOptions<K> {
  /** Delay after the first failure. Default 5 ms. */
  baseDelayMs?: number;
  /** Ceiling for the delay, jitter included. Default 1000 s. */
  maxDelayMs?: number;
  /** Spread the delay by up to +/- this fraction (0..1). Default 0, i.e. deterministic. */
  jitter?: number;
  /** Source of randomness in [0, 1) for the jitter; injectable for tests. */
  random?: () => number;
  /**
   * Maps an item to the identity its failures are counted under. Defaults to `String(item)`, the
   * same default as the workqueue, so both agree on what "the same item" is.
   */
  keyOf?: (item: K) => string;
}

function assertFiniteNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
}

export class ExponentialBackoffRateLimiter<K> implements RateLimiter<K> {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: number;
  private readonly random: () => number;
  private readonly keyOf: (item: K) => string;
  private readonly failures = new Map<string, number>();

  constructor(opts: ExponentialBackoffOptions<K> = {}) {
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 1_000_000;
    this.jitter = opts.jitter ?? 0;
    this.random = opts.random ?? Math.random;
    this.keyOf = opts.keyOf ?? ((item) => String(item));
    assertFiniteNonNegative('baseDelayMs', this.baseDelayMs);
    assertFiniteNonNegative('maxDelayMs', this.maxDelayMs);
    if (!(this.jitter >= 0 && this.jitter <= 1)) {
      throw new RangeError(`jitter must be within [0, 1], got ${this.jitter}`);
    }
  }

  when(item: K): number {
    const key = this.keyOf(item);
    const exp = this.failures.get(key) ?? 0;
    this.failures.set(key, exp + 1);
    // A zero base would give 0 * Infinity = NaN once 2^exp overflows, so short-circuit it.
    if (this.baseDelayMs === 0) return 0;
    // 2 ** exp becomes Infinity for huge exponents, which Math.min turns into the ceiling.
    const delay = Math.min(this.baseDelayMs * 2 ** exp, this.maxDelayMs);
    if (this.jitter === 0) return delay;
    const factor = 1 + this.jitter * (2 * this.random() - 1);
    // The ceiling stays a guarantee callers can rely on, even with jitter.
    return Math.min(Math.max(0, delay * factor), this.maxDelayMs);
  }

  forget(item: K): void {
    this.failures.delete(this.keyOf(item));
  }

  retries(item: K): number {
    return this.failures.get(this.keyOf(item)) ?? 0;
  }
}

/** Combines limiters: the delay is the longest any of them asks for. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private readonly limiters: readonly RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    if (limiters.length === 0) throw new RangeError('MaxOfRateLimiter needs at least one limiter');
    this.limiters = limiters;
  }

  when(item: K): number {
    // Every limiter must see the failure (not just until one gives the maximum) so that each
    // keeps its own bookkeeping, e.g. the bucket spends a token.
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(item));
    return max;
  }

  forget(item: K): void {
    for (const l of this.limiters) l.forget(item);
  }

  retries(item: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.retries(item));
    return max;
  }
}

export interface TokenBucketOptions {
  /** Tokens added per second. Default 10. `Infinity` disables limiting. */
  qps?: number;
  /** Bucket size, i.e. how many items may pass back to back. Default 100. */
  burst?: number;
  clock?: Clock;
}

/**
 * An overall (not per-item) limit in the style of client-go's BucketRateLimiter, which reserves
 * a token from a golang.org/x/time/rate limiter: every call takes a token even when none is left
 * (the balance goes negative) and the returned delay is when that token will have been refilled.
 * Reserving instead of refusing keeps successive callers in order, each behind the previous one.
 */
export class TokenBucketRateLimiter<K> implements RateLimiter<K> {
  readonly qps: number;
  readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private last: number | undefined;

  constructor(opts: TokenBucketOptions = {}) {
    this.qps = opts.qps ?? 10;
    this.burst = opts.burst ?? 100;
    this.clock = opts.clock ?? systemClock;
    if (!(this.qps > 0)) throw new RangeError(`qps must be > 0, got ${this.qps}`);
    if (!Number.isInteger(this.burst) || this.burst < 1) {
      throw new RangeError(`burst must be an integer >= 1, got ${this.burst}`);
    }
    this.tokens = this.burst;
  }

  when(_item: K): number {
    if (this.qps === Infinity) return 0;
    const now = this.clock.now();
    // A clock that steps backwards must not mint tokens, hence the clamp at zero elapsed time.
    const elapsed = this.last === undefined ? 0 : Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.qps) / 1000);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }

  forget(_item: K): void {
    // The bucket is shared by all items; one item's success gives nothing back.
  }

  retries(_item: K): number {
    return 0;
  }
}

/**
 * The limiter controllers use unless told otherwise (client-go's DefaultControllerRateLimiter):
 * per-item exponential backoff from 5 ms to 1000 s, bounded overall to 10 qps with bursts of 100.
 */
export function defaultControllerRateLimiter<K>(opts: { clock?: Clock } = {}): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ExponentialBackoffRateLimiter<K>({ baseDelayMs: 5, maxDelayMs: 1_000_000 }),
    new TokenBucketRateLimiter<K>({ qps: 10, burst: 100, clock: opts.clock }),
  );
}
