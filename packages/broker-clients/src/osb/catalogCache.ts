import { waitUnlessAborted } from '../http/abortRace.js';

/**
 * Keeps one value for a while and shares a fetch in progress among concurrent
 * callers. A failed fetch is not kept. With a TTL of 0 nothing is kept, but
 * concurrent callers still share one fetch.
 */
export class CatalogCache<T> {
  private value: { data: T; fetchedAt: number } | undefined;
  private inFlight: Promise<T> | undefined;
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isFinite(ttlMs) || ttlMs < 0)
      throw new RangeError(`catalog TTL must be >= 0 ms, got ${ttlMs}`);
  }

  /**
   * Returns the cached value or fetches a new one. The fetch itself runs without the
   * caller's signal (another caller may still want its result); the signal only
   * stops this caller's wait.
   */
  async get(fetch: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.value && this.ttlMs > 0 && this.now() - this.value.fetchedAt < this.ttlMs)
      return this.value.data;
    if (!this.inFlight) {
      const generation = this.generation;
      const p = fetch().then((data) => {
        if (generation === this.generation) this.value = { data, fetchedAt: this.now() };
        return data;
      });
      const clear = () => {
        if (this.inFlight === p) this.inFlight = undefined;
      };
      p.then(clear, clear);
      this.inFlight = p;
    }
    return waitUnlessAborted(this.inFlight, signal);
  }

  /** Drops the cached value; a fetch in progress still completes but is not kept. */
  invalidate(): void {
    this.generation++;
    this.value = undefined;
    this.inFlight = undefined;
  }
}
