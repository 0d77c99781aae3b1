import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WorkqueueMetricsSink } from './workqueue.js';

export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

/**
 * The controller-runtime style metrics of one process, in its own registry
 * (several servers in one process, e.g. in tests, must not share a global one).
 */
export class RuntimeMetrics {
  readonly registry: Registry;
  private readonly depth: Gauge<'name'>;
  private readonly adds: Counter<'name'>;
  private readonly retries: Counter<'name'>;
  private readonly queueLatency: Histogram<'name'>;
  private readonly workDuration: Histogram<'name'>;
  private readonly reconcileTotal: Counter<'controller' | 'result'>;
  private readonly reconcileErrors: Counter<'controller'>;
  private readonly reconcileTime: Histogram<'controller'>;
  private readonly informerEvents: Counter<'informer' | 'type'>;
  private readonly informerRelists: Counter<'informer'>;
  private readonly informerWatchErrors: Counter<'informer'>;
  private readonly leader: Gauge<'lease'>;

  constructor(opts: { registry?: Registry; processMetrics?: boolean } = {}) {
    this.registry = opts.registry ?? new Registry();
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    this.depth = new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of the workqueue',
      labelNames: ['name'],
      registers,
    });
    this.adds = new Counter({
      name: 'workqueue_adds_total',
      help: 'Items added to the workqueue',
      labelNames: ['name'],
      registers,
    });
    this.retries = new Counter({
      name: 'workqueue_retries_total',
      help: 'Delayed re-adds (addAfter and rate-limited retries)',
      labelNames: ['name'],
      registers,
    });
    this.queueLatency = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'Time an item waits in the queue before a worker takes it',
      labelNames: ['name'],
      buckets,
      registers,
    });
    this.workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'Time a worker spends on an item',
      labelNames: ['name'],
      buckets,
      registers,
    });
    this.reconcileTotal = new Counter({
      name: 'controller_reconcile_total',
      help: 'Reconciles by result',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'controller_reconcile_errors_total',
      help: 'Reconciles that failed',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: 'controller_reconcile_time_seconds',
      help: 'Duration of reconcile calls',
      labelNames: ['controller'],
      buckets,
      registers,
    });
    this.informerEvents = new Counter({
      name: 'informer_events_total',
      help: 'Events delivered by informers',
      labelNames: ['informer', 'type'],
      registers,
    });
    this.informerRelists = new Counter({
      name: 'informer_relists_total',
      help: 'Full lists done by informers',
      labelNames: ['informer'],
      registers,
    });
    this.informerWatchErrors = new Counter({
      name: 'informer_watch_errors_total',
      help: 'Watch or list failures (each followed by a backoff)',
      labelNames: ['informer'],
      registers,
    });
    this.leader = new Gauge({
      name: 'leader_election_is_leader',
      help: '1 while this process holds the lease',
      labelNames: ['lease'],
      registers,
    });
  }

  workqueue(name: string): WorkqueueMetricsSink {
    return {
      add: () => this.adds.inc({ name }),
      depth: (n) => this.depth.set({ name }, n),
      retry: () => this.retries.inc({ name }),
      latency: (s) => this.queueLatency.observe({ name }, s),
      workDuration: (s) => this.workDuration.observe({ name }, s),
    };
  }

  reconciled(controller: string, result: ReconcileResult, seconds: number): void {
    this.reconcileTotal.inc({ controller, result });
    if (result === 'error') this.reconcileErrors.inc({ controller });
    this.reconcileTime.observe({ controller }, seconds);
  }

  informerEvent(informer: string, type: 'add' | 'update' | 'delete'): void {
    this.informerEvents.inc({ informer, type });
  }

  informerRelist(informer: string): void {
    this.informerRelists.inc({ informer });
  }

  informerWatchError(informer: string): void {
    this.informerWatchErrors.inc({ informer });
  }

  setLeader(lease: string, isLeader: boolean): void {
    this.leader.set({ lease }, isLeader ? 1 : 0);
  }

  /** Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
