import type { InformerSource } from './informer.js';
import { isConflict } from './kubeApiError.js';
import type { KubeObject } from './kubeObject.js';
import { objectKey } from './kubeObject.js';
import type { Logger } from './logger.js';
import type { ReconcileResult, RuntimeMetrics } from './metrics.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rateLimiter.js';
import { Workqueue } from './workqueue.js';

/** What a reconcile asks for next; nothing means "done until something changes". */
export interface ReconcileOutcome {
  /** Reconcile again after this delay (resets the error backoff). */
  requeueAfterMs?: number;
  /** Reconcile again soon, with per-key exponential backoff. */
  requeue?: boolean;
}

export interface ReconcileContext {
  /**
   * Aborts when the controller stops (shutdown or lost leadership). Under leader election the
   * runtime also aborts and refuses the reconcile's Kubernetes requests itself; pass the signal
   * to anything else that waits (broker calls, sleeps) so the reconcile ends promptly.
   */
  signal: AbortSignal;
  logger: Logger;
}

export type Reconciler = (key: string, ctx: ReconcileContext) => Promise<ReconcileOutcome | void>;

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  logger: Logger;
  metrics?: RuntimeMetrics;
  /** Parallel workers; a key is never reconciled by two workers at once. Default 1. */
  workers?: number;
  rateLimiter?: () => RateLimiter<string>;
}

/** Maps an object event to the keys to reconcile (default: the object's own key). */
export type KeyMapper<T extends KubeObject> = (obj: T) => string | string[] | undefined;

/**
 * A level-triggered controller: informer events only name keys; reconcile(key)
 * reads the current state itself. Errors are retried with per-key exponential
 * backoff. run() can be called again after it returned (e.g. when leadership
 * is won again); each run gets a fresh queue seeded from the informers' caches.
 */
export class Controller {
  readonly name: string;
  private readonly opts: ControllerOptions;
  private readonly log: Logger;
  private readonly sources: Array<{ informer: InformerSource<KubeObject>; map: KeyMapper<KubeObject> }> = [];
  private queue: Workqueue<string> | undefined;

  constructor(opts: ControllerOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.log = opts.logger.child({ controller: opts.name });
  }

  /** Reconciles keys derived from every event of `informer`. Returns a function that stops watching it. */
  watch<T extends KubeObject>(informer: InformerSource<T>, map: KeyMapper<T> = objectKey): () => void {
    const source = {
      informer: informer as unknown as InformerSource<KubeObject>,
      map: map as KeyMapper<KubeObject>,
    };
    this.sources.push(source);
    const enqueueFor = (obj: T) => {
      const keys = map(obj);
      if (keys === undefined) return;
      for (const k of Array.isArray(keys) ? keys : [keys]) this.enqueue(k);
    };
    const remove = informer.addHandlers({
      onAdd: enqueueFor,
      onUpdate: (_old, obj) => enqueueFor(obj),
      onDelete: enqueueFor,
    });
    return () => {
      remove();
      const i = this.sources.indexOf(source);
      if (i >= 0) this.sources.splice(i, 1);
    };
  }

  /** Queues a key; ignored while the controller is not running (run() reseeds from the caches). */
  enqueue(key: string): void {
    this.queue?.add(key);
  }

  enqueueAfter(key: string, delayMs: number): void {
    this.queue?.addAfter(key, delayMs);
  }

  get running(): boolean {
    return this.queue !== undefined;
  }

  /**
   * Waits for the watched informers to sync, then reconciles until `signal`
   * aborts; resolves once in-flight reconciles have finished.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.queue) throw new Error(`controller ${this.name} is already running`);
    const queue = new Workqueue<string>({
      name: this.name,
      rateLimiter: (this.opts.rateLimiter ?? defaultControllerRateLimiter)(),
      metrics: this.opts.metrics?.workqueue(this.name),
    });
    this.queue = queue;
    try {
      try {
        await Promise.all(this.sources.map((s) => s.informer.waitForSync(signal)));
      } catch {
        return; // aborted before the caches synced
      }
      for (const s of this.sources) {
        for (const obj of s.informer.list()) {
          const keys = s.map(obj);
          if (keys !== undefined) for (const k of Array.isArray(keys) ? keys : [keys]) queue.add(k);
        }
      }
      this.log.info({ workers: this.opts.workers ?? 1 }, 'controller started');
      const onAbort = () => queue.shutDown();
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) queue.shutDown();
      await Promise.all(Array.from({ length: this.opts.workers ?? 1 }, () => this.worker(queue, signal)));
      signal.removeEventListener('abort', onAbort);
      this.log.info('controller stopped');
    } finally {
      queue.shutDown();
      if (this.queue === queue) this.queue = undefined;
    }
  }

  private async worker(queue: Workqueue<string>, signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.processOne(queue, key, signal);
      } finally {
        queue.done(key);
      }
    }
  }

  private async processOne(queue: Workqueue<string>, key: string, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    let result: ReconcileResult = 'success';
    const logger = this.log.child({ key });
    try {
      const outcome = await this.opts.reconcile(key, { signal, logger });
      if (outcome?.requeueAfterMs !== undefined) {
        result = 'requeue_after';
        queue.forget(key);
        queue.addAfter(key, outcome.requeueAfterMs);
      } else if (outcome?.requeue) {
        result = 'requeue';
        queue.addRateLimited(key);
      } else {
        queue.forget(key);
      }
    } catch (err) {
      result = 'error';
      if (signal.aborted) return;
      // A stale read is routine with optimistic concurrency: retry quietly.
      if (isConflict(err)) logger.debug({ err }, 'conflict; retrying');
      else logger.error({ err, retries: queue.numRequeues(key) }, 'reconcile failed');
      queue.addRateLimited(key);
    } finally {
      this.opts.metrics?.reconciled(this.name, result, (performance.now() - started) / 1000);
    }
  }
}
