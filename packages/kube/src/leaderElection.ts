import { sleep } from './backoff.js';
import { isAlreadyExists, isConflict, isNotFound } from './kubeApiError.js';
import type { KubeClient } from './kubeClient.js';
import type { KubeObject } from './kubeObject.js';
import type { Logger } from './logger.js';
import { runUnderLeadership } from './leadershipScope.js';
import {
  attemptTimeoutMs,
  decideAfterAttempt,
  defaultLeaseTiming,
  leadershipDeadline,
  leaseExpired,
  leaseTimingProblem,
  retryJitterFactor,
  type AttemptResult,
  type LeaseTiming,
} from './leaseTiming.js';
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
   * Runs while this process leads. `leadership` aborts the moment the lease is lost or cannot
   * be renewed in time; the callback must stop its work then. It may return early. Kubernetes
   * requests made by anything it starts are aborted and refused from then on.
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
 * Lease-based leader election (coordination.k8s.io/v1) with client-go's rules. Expiry is judged
 * by the local monotonic time at which this process last saw the lease record change, not by
 * the renewTime written by another machine, so clock differences between machines do not matter.
 *
 * A leader stops at the latest renewDeadline after the start of its last successful renewal: a
 * timer aborts the leadership signal then, whatever the renewal requests are doing, and every
 * attempt is itself cut off at that deadline. The callback runs under that signal as a
 * leadership term (see leadershipScope.ts): from the moment it aborts, every Kubernetes request
 * made during the term is aborted, its connections are reset, and new ones are refused, all
 * before leaseDuration has passed and another candidate may take the lease. A leader that finds
 * the lease held by someone else stops the same way, at once. Then it campaigns again.
 */
export class LeaderElector {
  private readonly opts: LeaderElectionOptions;
  private readonly timing: LeaseTiming;
  private readonly leases: ResourceClient<Lease>;
  private readonly log: Logger;
  private observed: { record: string; at: number; lease: Lease } | undefined;
  private lastLeader = '';
  private leading = false;

  constructor(opts: LeaderElectionOptions) {
    const timing: LeaseTiming = {
      leaseDurationMs: opts.leaseDurationMs ?? defaultLeaseTiming.leaseDurationMs,
      renewDeadlineMs: opts.renewDeadlineMs ?? defaultLeaseTiming.renewDeadlineMs,
      retryPeriodMs: opts.retryPeriodMs ?? defaultLeaseTiming.retryPeriodMs,
    };
    const problem = leaseTimingProblem(timing);
    if (problem) throw new Error(`leader election: ${problem}`);
    if (!opts.identity) throw new Error('leader election needs a non-empty identity');
    this.opts = opts;
    this.timing = timing;
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
      const deadline = await this.acquire(signal);
      if (deadline === undefined) break;
      await this.lead(signal, deadline);
    }
  }

  /** Campaigns until this process holds the lease; resolves to the deadline of that leadership. */
  private async acquire(signal: AbortSignal): Promise<number | undefined> {
    this.log.info('campaigning for leadership');
    while (!signal.aborted) {
      const startedAt = performance.now();
      const deadline = leadershipDeadline(startedAt, this.timing);
      const attempt = await this.attempt(signal, startedAt, deadline);
      if (attempt.renewed) {
        const decision = decideAfterAttempt(attempt, this.opts.identity, deadline, this.timing);
        if (decision.kind === 'lead') return decision.deadline;
        this.log.warn({ reason: decision.reason }, 'acquired the lease too late to lead');
      }
      await sleep(jittered(this.timing.retryPeriodMs), signal);
    }
    return undefined;
  }

  private async lead(signal: AbortSignal, firstDeadline: number): Promise<void> {
    const leadership = new AbortController();
    const onShutdown = () => leadership.abort(new Error('shutting down'));
    // A shutdown may have arrived while the lease was being acquired; its abort event is past.
    if (signal.aborted) onShutdown();
    else signal.addEventListener('abort', onShutdown, { once: true });
    let deadline = firstDeadline;
    let stepDown: NodeJS.Timeout | undefined;
    const armStepDown = () => {
      clearTimeout(stepDown);
      // The guarantee does not rest on the renew loop: whatever it is stuck in, this fires.
      stepDown = setTimeout(
        () => leadership.abort(new Error(`lease not renewed within ${this.timing.renewDeadlineMs} ms`)),
        attemptTimeoutMs(performance.now(), deadline),
      );
    };
    armStepDown();
    this.setLeading(true);
    this.log.info('became leader');
    const work = runUnderLeadership(leadership.signal, () =>
      Promise.resolve()
        .then(() => this.opts.onStartedLeading(leadership.signal))
        .catch((err: unknown) => this.log.error({ err }, 'leader work failed')),
    );
    while (!leadership.signal.aborted) {
      await sleep(this.timing.retryPeriodMs, leadership.signal);
      if (leadership.signal.aborted) break;
      const attempt = await this.attempt(leadership.signal, performance.now(), deadline);
      if (leadership.signal.aborted) break;
      const decision = decideAfterAttempt(attempt, this.opts.identity, deadline, this.timing);
      if (decision.kind === 'stop') {
        leadership.abort(new Error(decision.reason));
      } else if (decision.deadline !== deadline) {
        deadline = decision.deadline;
        armStepDown();
      }
    }
    const stoppedAt = performance.now();
    clearTimeout(stepDown);
    this.setLeading(false);
    signal.removeEventListener('abort', onShutdown);
    const reason = (leadership.signal.reason as Error | undefined)?.message;
    if (!signal.aborted)
      this.log.warn({ reason, msBeforeDeadline: Math.round(deadline - stoppedAt) }, 'lost leadership');
    await work;
    this.opts.onStoppedLeading?.();
    if (signal.aborted) await this.release();
  }

  /** One acquire/renew attempt, cut off at `deadline` (local monotonic time). */
  private async attempt(signal: AbortSignal, startedAt: number, deadline: number): Promise<AttemptResult> {
    const attemptSignal = AbortSignal.any([
      signal,
      // Rounded down: the attempt must end by the deadline, not just after it.
      AbortSignal.timeout(Math.max(1, Math.floor(attemptTimeoutMs(startedAt, deadline)))),
    ]);
    const renewed = await this.tryAcquireOrRenew(attemptSignal);
    return { startedAt, finishedAt: performance.now(), renewed, holder: this.lastLeader };
  }

  private setLeading(v: boolean): void {
    this.leading = v;
    this.opts.metrics?.setLeader(`${this.opts.namespace}/${this.opts.name}`, v);
  }

  private observe(lease: Lease): void {
    const s = lease.spec ?? {};
    const record = JSON.stringify([s.holderIdentity ?? '', s.renewTime ?? '', s.leaseTransitions ?? 0]);
    if (!this.observed || this.observed.record !== record)
      this.observed = { record, at: performance.now(), lease };
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
      leaseDurationSeconds: Math.ceil(this.timing.leaseDurationMs / 1000),
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
      const expired = leaseExpired(this.observed?.at ?? 0, durationMs, performance.now());
      if (holder && holder !== identity && !expired) return false;
      // Update with the read resourceVersion: of two candidates racing for an expired lease, one gets 409.
      const updated = await this.leases.update(
        { ...lease, spec: { ...lease.spec, ...this.desiredSpec(lease.spec) } },
        { signal },
      );
      this.observe(updated);
      return true;
    } catch (err) {
      if (signal.aborted) {
        this.log.debug('lease acquire/renew attempt cut off');
        return false;
      }
      if (isConflict(err) || isAlreadyExists(err)) {
        this.log.debug('lost a race for the lease');
      } else if (isNotFound(err)) {
        // Creating a Lease in a namespace that does not exist: retrying alone never helps.
        this.log.warn(
          { err: (err as Error).message },
          `cannot create the lease: namespace ${this.opts.namespace} does not exist; create it, choose another namespace for the Lease (see the program's --help), or turn leader election off with --leader-election=false`,
        );
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
      await this.leases.update(
        {
          ...lease,
          spec: {
            ...lease.spec,
            holderIdentity: '',
            leaseDurationSeconds: 1,
            renewTime: microTime(new Date()),
          },
        },
        { signal: AbortSignal.timeout(this.timing.renewDeadlineMs) },
      );
      this.log.info('released the lease');
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err))
        this.log.warn({ err: (err as Error).message }, 'lease release failed');
    }
  }
}

function jittered(ms: number): number {
  return Math.round(ms * (1 + Math.random() * (retryJitterFactor - 1)));
}
