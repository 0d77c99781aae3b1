import { sleep } from './backoff.js';
import { isAlreadyExists, isConflict, isNotFound } from './kubeApiError.js';
import type { KubeClient } from './kubeClient.js';
import type { KubeObject } from './kubeObject.js';
import type { Logger } from './logger.js';
import type { RuntimeMetrics } from './metrics.js';
import { ResourceClient } from './resourceClient.js';

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  /** Lease name. */
  name: string;
  /** Unique per process, e.g. `${hostname}_${uuid}`. */
  identity: string;
  logger: Logger;
  metrics?: RuntimeMetrics;
  /** How long a lease is valid after its last renewal (default 15 s). */
  leaseDurationMs?: number;
  /** A leader that cannot renew within this time steps down (default 10 s; < leaseDuration). */
  renewDeadlineMs?: number;
  /** Interval between acquire/renew attempts (default 2 s). */
  retryPeriodMs?: number;
  /**
   * Runs while this process leads. `leadership` aborts the moment the lease
   * is lost; the callback must stop its work then. It may return early.
   */
  onStartedLeading: (leadership: AbortSignal) => Promise<void> | void;
  onStoppedLeading?: () => void;
  /** Called whenever the observed leader changes (including to this process). */
  onNewLeader?: (identity: string) => void;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Lease-based leader election (coordination.k8s.io/v1) with client-go's
 * rules. Expiry is judged by the local time at which this process last saw
 * the lease record change, not by the renewTime written by another machine,
 * so clock differences between machines do not matter. A leader that finds
 * the lease held by someone else, or cannot renew before the renew deadline,
 * aborts its leadership signal at once and goes back to campaigning.
 */
export class LeaderElector {
  private readonly opts: Required<
    Omit<LeaderElectionOptions, 'metrics' | 'onStoppedLeading' | 'onNewLeader'>
  > &
    LeaderElectionOptions;
  private readonly leases: ResourceClient<Lease>;
  private readonly log: Logger;
  private observed: { record: string; at: number; lease: Lease } | undefined;
  private lastLeader = '';
  private leading = false;

  constructor(opts: LeaderElectionOptions) {
    const leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    const renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    const retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (!(renewDeadlineMs < leaseDurationMs))
      throw new Error('renewDeadline must be shorter than leaseDuration');
    if (!(retryPeriodMs < renewDeadlineMs)) throw new Error('retryPeriod must be shorter than renewDeadline');
    if (!opts.identity) throw new Error('leader election needs a non-empty identity');
    this.opts = { ...opts, leaseDurationMs, renewDeadlineMs, retryPeriodMs };
    this.leases = new ResourceClient<Lease>(opts.client, {
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      namespaced: true,
    });
    this.log = opts.logger.child({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Campaigns, leads, and campaigns again after losing the lease, until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const acquired = await this.acquire(signal);
      if (!acquired) break;
      await this.lead(signal);
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.log.info('campaigning for leadership');
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) return true;
      await sleep(jittered(this.opts.retryPeriodMs), signal);
    }
    return false;
  }

  private async lead(signal: AbortSignal): Promise<void> {
    const leadership = new AbortController();
    const onShutdown = () => leadership.abort(new Error('shutting down'));
    // A shutdown may have arrived while the lease was being acquired; its abort event is past.
    if (signal.aborted) onShutdown();
    else signal.addEventListener('abort', onShutdown, { once: true });
    this.setLeading(true);
    this.log.info('became leader');
    const work = Promise.resolve()
      .then(() => this.opts.onStartedLeading(leadership.signal))
      .catch((err: unknown) => this.log.error({ err }, 'leader work failed'));
    let lastRenew = Date.now();
    while (!leadership.signal.aborted) {
      await sleep(this.opts.retryPeriodMs, leadership.signal);
      if (leadership.signal.aborted) break;
      const renewed = await this.tryAcquireOrRenew(leadership.signal);
      if (renewed) {
        lastRenew = Date.now();
      } else if (
        this.lastLeader !== this.opts.identity ||
        Date.now() - lastRenew >= this.opts.renewDeadlineMs
      ) {
        leadership.abort(new Error('leadership lost'));
      }
    }
    this.setLeading(false);
    signal.removeEventListener('abort', onShutdown);
    await work;
    this.opts.onStoppedLeading?.();
    if (signal.aborted) await this.release();
    else this.log.warn('lost leadership');
  }

  private setLeading(v: boolean): void {
    this.leading = v;
    this.opts.metrics?.setLeader(`${this.opts.namespace}/${this.opts.name}`, v);
  }

  private observe(lease: Lease): void {
    const s = lease.spec ?? {};
    const record = JSON.stringify([s.holderIdentity ?? '', s.renewTime ?? '', s.leaseTransitions ?? 0]);
    if (!this.observed || this.observed.record !== record) this.observed = { record, at: Date.now(), lease };
    else this.observed.lease = lease;
    const holder = s.holderIdentity ?? '';
    if (holder !== this.lastLeader) {
      this.lastLeader = holder;
      if (holder) this.opts.onNewLeader?.(holder);
    }
  }

  private desiredSpec(current: Lease['spec'] | undefined): NonNullable<Lease['spec']> {
    const now = microTime(new Date());
    const mine = current?.holderIdentity === this.opts.identity;
    return {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.ceil(this.opts.leaseDurationMs / 1000),
      acquireTime: mine && current?.acquireTime ? current.acquireTime : now,
      renewTime: now,
      leaseTransitions: (current?.leaseTransitions ?? 0) + (mine ? 0 : 1),
    };
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { namespace, name, identity } = this.opts;
    try {
      const lease = await this.leases.tryGet(name, { namespace, signal });
      if (!lease) {
        const created = await this.leases.create(
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: { ...this.desiredSpec(undefined), leaseTransitions: 0 },
          },
          { signal },
        );
        this.observe(created);
        return true;
      }
      this.observe(lease);
      const holder = lease.spec?.holderIdentity ?? '';
      const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
      const expired = Date.now() > (this.observed?.at ?? 0) + durationMs;
      if (holder && holder !== identity && !expired) return false;
      // Update with the read resourceVersion: of two candidates racing for an expired lease, one gets 409.
      const updated = await this.leases.update(
        { ...lease, spec: { ...lease.spec, ...this.desiredSpec(lease.spec) } },
        { signal },
      );
      this.observe(updated);
      return true;
    } catch (err) {
      if (signal.aborted) return false;
      if (isConflict(err) || isAlreadyExists(err)) {
        this.log.debug('lost a race for the lease');
      } else {
        this.log.warn({ err: (err as Error).message }, 'lease acquire/renew failed');
      }
      return false;
    }
  }

  /** Gives the lease up on shutdown so another candidate does not wait for it to expire. */
  private async release(): Promise<void> {
    const lease = this.observed?.lease;
    if (!lease || lease.spec?.holderIdentity !== this.opts.identity) return;
    try {
      await this.leases.update({
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          renewTime: microTime(new Date()),
        },
      });
      this.log.info('released the lease');
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err))
        this.log.warn({ err: (err as Error).message }, 'lease release failed');
    }
  }
}

function jittered(ms: number): number {
  return Math.round(ms * (1 + Math.random() * 0.2));
}
