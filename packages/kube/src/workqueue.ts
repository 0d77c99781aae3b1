/**
 * A rate-limited, de-duplicating work queue with client-go's guarantees: an item waits in the
 * queue at most once, and a key is never handed to two workers at the same time.
 *
 * Shutdown semantics (a deliberate deviation from client-go): `shutDown()` is a hard stop. From
 * then on every `get()` resolves `undefined` at once, even if items were still queued; those
 * items, pending `addAfter` timers and re-adds of in-flight items are dropped, and later adds are
 * ignored. client-go instead keeps handing out what is queued until the queue is empty, which
 * makes workers reconcile after they were told to stop (e.g. after losing leadership). Dropping
 * is safe because controllers are level-triggered: whoever runs next lists and resyncs
 * everything. Items already handed out remain "processing" until `done()`, which
 * `shutDownWithDrain()` waits for.
 */
import { defaultControllerRateLimiter, systemClock, type Clock, type RateLimiter } from './rateLimiter.js';

export interface WorkqueueMetricsSink {
  /** An item became pending (queued, or marked for re-queue while processing). */
  add(): void;
  /** Number of items waiting to be handed out, after every change. */
  depth(n: number): void;
  /** An item was scheduled through `addAfter` / `addRateLimited`. */
  retry(): void;
  /** Seconds an item waited in the queue before a worker got it. */
  latency(seconds: number): void;
  /** Seconds a worker held an item, from `get()` to `done()`. */
  workDuration(seconds: number): void;
}

export interface WorkqueueOptions<K> {
  name: string;
  rateLimiter?: RateLimiter<K>;
  metrics?: WorkqueueMetricsSink;
  clock?: Clock;
  /**
   * Identity of an item for de-duplication. Default `String(item)`. Use the same function for
   * a custom rate limiter so both agree on what "the same item" is.
   */
  keyOf?: (item: K) => string;
}

interface Queued<K> {
  item: K;
  /** Clock time the item became pending, for the latency metric. */
  since: number;
}

interface Delayed<K> {
  item: K;
  readyAt: number;
  timer: ReturnType<typeof setTimeout>;
}

interface Waiter<K> {
  resolve(item: K | undefined): void;
}

// setTimeout fires at once for delays above this, so longer waits are split into chunks.
const MAX_TIMER_MS = 2 ** 31 - 1;

const noopMetrics: WorkqueueMetricsSink = {
  add() {},
  depth() {},
  retry() {},
  latency() {},
  workDuration() {},
};

/**
 * `K` must not include `undefined`: `get()` uses it to say that the queue was shut down.
 */
export class Workqueue<K> {
  readonly name: string;
  private readonly rateLimiter: RateLimiter<K>;
  private readonly metrics: WorkqueueMetricsSink;
  private readonly clock: Clock;
  private readonly keyOf: (item: K) => string;

  /** Items waiting for a worker; a Map keeps insertion (FIFO) order and de-duplicates by key. */
  private readonly queue = new Map<string, Queued<K>>();
  /** Keys handed out by `get()` and not yet `done()`, with the time they were handed out. */
  private readonly processing = new Map<string, number>();
  /** Items re-added while their key was processing; queued again on `done()`. */
  private readonly dirty = new Map<string, Queued<K>>();
  private readonly delayed = new Map<string, Delayed<K>>();
  private readonly waiters: Waiter<K>[] = [];
  private readonly drainers: ((drained: boolean) => void)[] = [];
  private stopping = false;

  constructor(opts: WorkqueueOptions<K>) {
    this.name = opts.name;
    this.clock = opts.clock ?? systemClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>({ clock: this.clock });
    this.metrics = opts.metrics ?? noopMetrics;
    this.keyOf = opts.keyOf ?? ((item) => String(item));
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Number of items waiting to be handed out (not counting processing or delayed ones). */
  len(): number {
    return this.queue.size;
  }

  add(item: K): void {
    if (this.stopping) return;
    const key = this.keyOf(item);
    if (this.queue.has(key) || this.dirty.has(key)) return;
    const entry: Queued<K> = { item, since: this.clock.now() };
    this.metrics.add();
    if (this.processing.has(key)) {
      // Handing it out now would give the key to a second worker; done() queues it instead.
      this.dirty.set(key, entry);
      return;
    }
    this.enqueue(key, entry);
  }

  addAfter(item: K, delayMs: number): void {
    if (this.stopping) return;
    this.metrics.retry();
    if (!(delayMs > 0)) {
      this.add(item);
      return;
    }
    const key = this.keyOf(item);
    const readyAt = this.clock.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing) {
      // One timer per key: the earliest deadline wins, so a later request cannot postpone it.
      if (existing.readyAt <= readyAt) return;
      clearTimeout(existing.timer);
    }
    this.schedule(key, item, readyAt, delayMs);
  }

  addRateLimited(item: K): void {
    // Checked here too so that a stopped queue does not count a failure nobody will retry.
    if (this.stopping) return;
    this.addAfter(item, this.rateLimiter.when(item));
  }

  forget(item: K): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: K): number {
    return this.rateLimiter.retries(item);
  }

  /**
   * Resolves with the next item, waiting as long as needed, or `undefined` once the queue shuts
   * down or `signal` aborts. The caller must call `done(item)` when finished with it.
   */
  get(signal?: AbortSignal): Promise<K | undefined> {
    if (this.stopping || signal?.aborted) return Promise.resolve(undefined);
    const next = this.take();
    if (next !== undefined) return Promise.resolve(next.item);
    return new Promise<K | undefined>((resolve) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      };
      const waiter: Waiter<K> = {
        resolve: (item) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(item);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Marks `item` as finished; if it was re-added meanwhile, it is queued again now. */
  done(item: K): void {
    const key = this.keyOf(item);
    const startedAt = this.processing.get(key);
    if (startedAt === undefined) return;
    this.processing.delete(key);
    this.metrics.workDuration(this.secondsSince(startedAt));
    const again = this.dirty.get(key);
    if (again) {
      this.dirty.delete(key);
      this.enqueue(key, again);
    }
    if (this.processing.size === 0) this.settleDrainers(true);
  }

  shutDown(): void {
    this.stop();
    // Like client-go, an explicit shutDown() ends a drain in progress rather than waiting on it.
    this.settleDrainers(false);
  }

  /**
   * Stops the queue like `shutDown()` and resolves once every item handed out has been marked
   * `done()`: `true` then, or `false` if `timeoutMs` elapsed first or `shutDown()` cut it short.
   */
  shutDownWithDrain(timeoutMs?: number): Promise<boolean> {
    this.stop();
    if (this.processing.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (drained: boolean): void => {
        if (timer !== undefined) clearTimeout(timer);
        const i = this.drainers.indexOf(settle);
        if (i >= 0) this.drainers.splice(i, 1);
        resolve(drained);
      };
      if (timeoutMs !== undefined) timer = setTimeout(() => settle(false), Math.min(timeoutMs, MAX_TIMER_MS));
      this.drainers.push(settle);
    });
  }

  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const d of this.delayed.values()) clearTimeout(d.timer);
    this.delayed.clear();
    this.dirty.clear();
    const hadQueued = this.queue.size > 0;
    this.queue.clear();
    if (hadQueued) this.metrics.depth(0);
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
  }

  private settleDrainers(drained: boolean): void {
    for (const settle of this.drainers.slice()) settle(drained);
  }

  private schedule(key: string, item: K, readyAt: number, remainingMs: number): void {
    const chunk = Math.min(remainingMs, MAX_TIMER_MS);
    const timer = setTimeout(() => {
      if (this.delayed.get(key) !== entry) return;
      if (remainingMs > chunk) {
        this.schedule(key, item, readyAt, remainingMs - chunk);
        return;
      }
      this.delayed.delete(key);
      this.add(item);
    }, chunk);
    const entry: Delayed<K> = { item, readyAt, timer };
    this.delayed.set(key, entry);
  }

  private enqueue(key: string, entry: Queued<K>): void {
    // FIFO among waiting workers; the queue is necessarily empty when any are waiting.
    const waiter = this.waiters.shift();
    if (waiter) {
      this.handOut(key, entry);
      waiter.resolve(entry.item);
      return;
    }
    this.queue.set(key, entry);
    this.metrics.depth(this.queue.size);
  }

  private take(): Queued<K> | undefined {
    const first = this.queue.entries().next();
    if (first.done) return undefined;
    const [key, entry] = first.value;
    this.queue.delete(key);
    this.metrics.depth(this.queue.size);
    this.handOut(key, entry);
    return entry;
  }

  private handOut(key: string, entry: Queued<K>): void {
    const now = this.clock.now();
    this.metrics.latency(Math.max(0, now - entry.since) / 1000);
    this.processing.set(key, now);
  }

  private secondsSince(t: number): number {
    return Math.max(0, this.clock.now() - t) / 1000;
  }
}
