import type { KubeObject } from './kubeObject.js';

export interface MutationCacheOptions {
  /** How long a write is trusted over a cache that has not shown it yet (default 30 s). */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Objects this process has just written, remembered until the informer cache shows them, in the
 * manner of client-go's MutationCache. A controller that reads from an informer right after a
 * write otherwise sees the old state and repeats the write (a create fails with AlreadyExists, an
 * update is sent twice). An entry is dropped once the cache holds a state at least as new (by
 * resourceVersion, which the API server derives from one cluster-wide counter), or after the TTL,
 * so a write whose watch event never arrives cannot shadow the cache for long.
 */
export class MutationCache<T extends KubeObject = KubeObject> {
  private readonly written = new Map<string, { obj: T; at: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: MutationCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  /** Remembers the object the API server returned for a create, update or patch. */
  record(key: string, obj: T): void {
    this.written.set(key, { obj, at: this.now() });
  }

  /** The freshest known state: the cached object unless an own, newer write has not reached it yet. */
  get(key: string, cached: T | undefined): T | undefined {
    const entry = this.written.get(key);
    if (!entry) return cached;
    if (this.now() - entry.at > this.ttlMs || (cached !== undefined && !isOlder(cached, entry.obj))) {
      this.written.delete(key);
      return cached;
    }
    return entry.obj;
  }

  /**
   * An informer event for `key` (including a deletion): the entry goes once the event is at least
   * as new as the write, so a later deletion by someone else is never hidden.
   */
  observed(key: string, obj: T): void {
    const entry = this.written.get(key);
    if (entry && !isOlder(obj, entry.obj)) this.written.delete(key);
  }

  /** Whether `key` is currently answered from a write the cache has not shown yet. */
  pending(key: string): boolean {
    return this.written.has(key);
  }

  forget(key: string): void {
    this.written.delete(key);
  }

  get size(): number {
    return this.written.size;
  }
}

/**
 * Whether `a` is an older state than `b`. resourceVersions are opaque by contract; this compares
 * them as integers when both are (as every API server backed by etcd produces), and otherwise
 * treats any difference as "not older", so the cache wins.
 */
function isOlder(a: KubeObject, b: KubeObject): boolean {
  const ra = a.metadata.resourceVersion ?? '';
  const rb = b.metadata.resourceVersion ?? '';
  if (!/^\d+$/.test(ra) || !/^\d+$/.test(rb)) return false;
  return ra.length === rb.length ? ra < rb : ra.length < rb.length;
}
