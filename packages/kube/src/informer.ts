import { Backoff, sleep, type BackoffOptions } from './backoff.js';
import { isGone } from './kubeApiError.js';
import type { KubeObject } from './kubeObject.js';
import { objectKey } from './kubeObject.js';
import type { Logger } from './logger.js';
import type { RuntimeMetrics } from './metrics.js';
import type { ResourceClient } from './resourceClient.js';

export interface InformerHandlers<T extends KubeObject> {
  onAdd?: (obj: T) => void;
  onUpdate?: (oldObj: T, newObj: T) => void;
  /** For a deletion seen only by a relist, `obj` is the last state this informer knew. */
  onDelete?: (obj: T) => void;
}

export interface InformerOptions<T extends KubeObject> {
  resource: ResourceClient<T>;
  logger: Logger;
  /** Watch one namespace; default: all namespaces (or cluster-scoped). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  metrics?: RuntimeMetrics;
  /** Name in logs and metrics; default the resource name. */
  name?: string;
  /**
   * Staleness guard: a full relist this often even when the watch looks
   * healthy, reconciling the cache with the server (default 10 minutes).
   */
  relistIntervalMs?: number;
  /** A watch with no event and no bookmark for this long is considered dead (default 150 s). */
  watchIdleTimeoutMs?: number;
  backoff?: BackoffOptions;
  /**
   * Keep `metadata.managedFields` in cached objects. Off by default: they are
   * often the largest part of an object and controllers rarely read them from
   * a cache (client-go strips them the same way).
   */
  keepManagedFields?: boolean;
  /**
   * Cache only each object's metadata (PartialObjectMetadata, as client-go's metadata
   * informers): for resources whose bodies are large and only trigger work that reads the
   * object live (Secrets). The cached objects have `kind: PartialObjectMetadata` and no body.
   */
  metadataOnly?: boolean;
}

/** What a controller needs from a cache it watches: an Informer, or a set of them. */
export interface InformerSource<T extends KubeObject = KubeObject> {
  addHandlers(h: InformerHandlers<T>): () => void;
  waitForSync(signal?: AbortSignal): Promise<void>;
  list(namespace?: string): T[];
}

/**
 * A list-watch cache of one resource type, in the manner of client-go's
 * shared informer: it keeps a local cache, delivers add/update/delete events
 * to handlers that can be added and removed at any time, and keeps going
 * through watch errors and API-server restarts (reconnect with backoff and
 * jitter; relist when the resourceVersion expired; periodic relist as a
 * staleness guard). A relist is diffed against the cache, so handlers see
 * exactly the changes they missed, never a duplicate.
 */
export class Informer<T extends KubeObject = KubeObject> implements InformerSource<T> {
  readonly name: string;
  private readonly opts: InformerOptions<T>;
  private readonly log: Logger;
  private readonly cache = new Map<string, T>();
  private readonly handlers = new Set<InformerHandlers<T>>();
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private resourceVersion = '';
  private running: { controller: AbortController; done: Promise<void> } | undefined;

  constructor(opts: InformerOptions<T>) {
    this.opts = opts;
    this.name = opts.name ?? opts.resource.scope.resource;
    this.log = opts.logger.child({ informer: this.name });
  }

  /** Registers handlers; existing cache entries are replayed to them as adds. Returns a remover. */
  addHandlers(h: InformerHandlers<T>): () => void {
    this.handlers.add(h);
    if (h.onAdd) for (const obj of this.cache.values()) this.call(() => h.onAdd?.(obj));
    return () => {
      this.handlers.delete(h);
    };
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves after the first complete list; rejects if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (signal?.aborted) {
      return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  keys(): string[] {
    return [...this.cache.keys()];
  }

  get lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Starts the list-watch loop; it runs until stop() or until `signal` aborts. */
  start(signal?: AbortSignal): void {
    if (this.running) return;
    // An abort listener never fires for a signal that is already aborted: an owner that is
    // stopping must not start a loop nobody would ever stop.
    if (signal?.aborted) return;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = this.run(controller.signal).finally(() => signal?.removeEventListener('abort', onAbort));
    this.running = { controller, done };
  }

  async stop(): Promise<void> {
    const r = this.running;
    if (!r) return;
    r.controller.abort();
    await r.done;
    this.running = undefined;
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      // A failing handler must not break delivery to the others or the loop.
      this.log.error({ err }, 'informer event handler threw');
    }
  }

  private emitAdd(obj: T): void {
    this.opts.metrics?.informerEvent(this.name, 'add');
    for (const h of this.handlers) if (h.onAdd) this.call(() => h.onAdd?.(obj));
  }

  private emitUpdate(oldObj: T, newObj: T): void {
    this.opts.metrics?.informerEvent(this.name, 'update');
    for (const h of this.handlers) if (h.onUpdate) this.call(() => h.onUpdate?.(oldObj, newObj));
  }

  private emitDelete(obj: T): void {
    this.opts.metrics?.informerEvent(this.name, 'delete');
    for (const h of this.handlers) if (h.onDelete) this.call(() => h.onDelete?.(obj));
  }

  /** What is cached and handed to handlers. */
  private prepare(obj: T): T {
    if (this.opts.keepManagedFields || obj.metadata.managedFields === undefined) return obj;
    const { managedFields: _dropped, ...metadata } = obj.metadata;
    return { ...obj, metadata };
  }

  private upsert(received: T): void {
    const obj = this.prepare(received);
    const key = objectKey(obj);
    const old = this.cache.get(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    this.cache.set(key, obj);
    if (old) this.emitUpdate(old, obj);
    else this.emitAdd(obj);
  }

  private remove(obj: T): void {
    const key = objectKey(obj);
    const old = this.cache.get(key);
    if (!old) return;
    this.cache.delete(key);
    this.emitDelete(obj);
  }

  /** Replaces the cache with a fresh list, emitting only the differences. */
  private async relist(signal: AbortSignal): Promise<void> {
    const list = await this.opts.resource.listAll({
      namespace: this.opts.namespace,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      metadataOnly: this.opts.metadataOnly,
      signal,
    });
    signal.throwIfAborted();
    this.opts.metrics?.informerRelist(this.name);
    const seen = new Set<string>();
    for (const item of list.items) {
      seen.add(objectKey(item));
      this.upsert(item);
    }
    for (const [key, obj] of [...this.cache]) if (!seen.has(key)) this.remove(obj);
    this.resourceVersion = list.metadata.resourceVersion ?? '';
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.opts.backoff ?? { initialMs: 100, maxMs: 10_000, jitter: 0.5 });
    const relistEvery = this.opts.relistIntervalMs ?? 10 * 60_000;
    let needList = true;
    let lastList = 0;
    while (!signal.aborted) {
      try {
        if (needList || Date.now() - lastList >= relistEvery) {
          await this.relist(signal);
          lastList = Date.now();
          needList = false;
        }
        await this.watchOnce(signal, lastList + relistEvery);
        backoff.reset();
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          // Our resourceVersion was compacted away (typical after an API server restart): relist now.
          this.log.info('resourceVersion expired; relisting');
          needList = true;
          continue;
        }
        this.opts.metrics?.informerWatchError(this.name);
        const delay = backoff.next();
        this.log.warn({ err: errorSummary(err), retryInMs: delay }, 'list/watch failed; retrying');
        await sleep(delay, signal);
      }
    }
  }

  /** Watches from the current resourceVersion until the server ends the watch or the relist deadline. */
  private async watchOnce(signal: AbortSignal, relistAt: number): Promise<void> {
    if (signal.aborted) return;
    const watchAbort = new AbortController();
    const onAbort = () => watchAbort.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const untilRelist = Math.max(1, relistAt - Date.now());
    const relistTimer = setTimeout(() => watchAbort.abort(), untilRelist);
    // Spread server-side watch timeouts like client-go does (5-10 minutes).
    const timeoutSeconds = Math.round(300 + Math.random() * 300);
    try {
      const events = this.opts.resource.watch({
        namespace: this.opts.namespace,
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        metadataOnly: this.opts.metadataOnly,
        resourceVersion: this.resourceVersion,
        timeoutSeconds,
        signal: watchAbort.signal,
        idleTimeoutMs: this.opts.watchIdleTimeoutMs ?? 150_000,
      });
      for await (const ev of events) {
        const obj = ev.object;
        switch (ev.type) {
          case 'ADDED':
          case 'MODIFIED':
            this.upsert(obj);
            break;
          case 'DELETED':
            this.remove(obj);
            break;
          case 'BOOKMARK':
            break;
        }
        if (obj.metadata.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
      }
    } catch (err) {
      // Ending the watch for a scheduled relist or shutdown is not an error.
      if (watchAbort.signal.aborted) return;
      throw err;
    } finally {
      clearTimeout(relistTimer);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function errorSummary(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}
