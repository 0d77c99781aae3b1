import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, startCluster, type TestCluster } from '@klutch/testenv';
import { KubeClient } from './kubeClient.js';
import { LeaderElector, microTime, type Lease } from './leaderElection.js';
import { silentLogger } from './logger.js';
import { RuntimeMetrics } from './metrics.js';
import { ResourceClient } from './resourceClient.js';

const TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };

/** A candidate whose "reconciler" counts ticks while it leads. */
function candidate(client: KubeClient, identity: string, lease: string, metrics?: RuntimeMetrics) {
  const state = { ticks: 0, leaderships: 0, stoppedAt: 0 };
  const elector = new LeaderElector({
    client,
    namespace: 'default',
    name: lease,
    identity,
    logger: silentLogger(),
    metrics,
    ...TIMING,
    onStartedLeading: async (leadership) => {
      state.leaderships++;
      while (!leadership.aborted) {
        state.ticks++;
        await new Promise((r) => setTimeout(r, 50));
      }
      state.stoppedAt = Date.now();
    },
  });
  const stop = new AbortController();
  const done = elector.run(stop.signal);
  return { elector, state, stop: async () => (stop.abort(), await done) };
}

describe('Lease-based leader election on a real API server', { timeout: 180_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let leases: ResourceClient<Lease>;

  before(async () => {
    cluster = await startCluster({ name: 'election' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    leases = new ResourceClient<Lease>(client, {
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      namespaced: true,
    });
  });
  after(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('lets exactly one of two candidates reconcile', async () => {
    const metrics = new RuntimeMetrics();
    const a = candidate(client, 'a', 'one-of-two', metrics);
    const b = candidate(client, 'b', 'one-of-two');
    try {
      await eventually(() => assert.ok(a.elector.isLeader() || b.elector.isLeader()));
      const [leader, follower] = a.elector.isLeader() ? [a, b] : [b, a];
      const before = leader.state.ticks;
      await new Promise((r) => setTimeout(r, 2 * TIMING.leaseDurationMs));
      assert.ok(leader.state.ticks > before, 'the leader keeps working');
      assert.equal(follower.state.ticks, 0, 'the follower never works');
      assert.equal(follower.elector.isLeader(), false);
      const lease = await leases.get('one-of-two', { namespace: 'default' });
      assert.equal(lease.spec?.holderIdentity, leader === a ? 'a' : 'b');
      assert.equal(lease.spec?.leaseDurationSeconds, 3);
      if (leader === a)
        assert.match(await metrics.render(), /leader_election_is_leader\{lease="default\/one-of-two"\} 1/);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('hands over within the lease duration when the leader process is killed', async () => {
    const fixture = join(import.meta.dirname, 'testdata', 'leaderProcess.ts');
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', fixture, cluster.kubeconfigPath, 'doomed'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let lastTick = 0;
    let leading = false;
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('leading')) leading = true;
      lastTick = Date.now();
    });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await eventually(() => assert.ok(leading), 30_000);
      const b = candidate(client, 'survivor', 'election');
      try {
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(b.state.ticks, 0, 'no takeover while the leader renews');
        child.kill('SIGKILL');
        await exited;
        const killedAt = Date.now();
        await eventually(() => assert.ok(b.elector.isLeader()), 15_000, 20);
        const takeover = Date.now() - killedAt;
        // The lease was renewed at most one retry period before the kill.
        assert.ok(
          takeover <= TIMING.leaseDurationMs + 2 * TIMING.retryPeriodMs,
          `takeover after ${takeover} ms, lease duration ${TIMING.leaseDurationMs} ms`,
        );
        assert.ok(lastTick <= killedAt);
        const lease = await leases.get('election', { namespace: 'default' });
        assert.equal(lease.spec?.holderIdentity, 'survivor');
        assert.equal(lease.spec?.leaseTransitions, 1);
      } finally {
        await b.stop();
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops a leader whose lease is taken away, and lets it campaign again', async () => {
    const a = candidate(client, 'victim', 'taken');
    try {
      await eventually(() => assert.ok(a.elector.isLeader()));
      const lease = await leases.get('taken', { namespace: 'default' });
      // Someone else (an admin, a partitioned peer) takes the lease.
      const takenAt = Date.now();
      await leases.update({
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: 'intruder',
          renewTime: microTime(new Date()),
          leaseDurationSeconds: 3,
        },
      });
      await eventually(() => assert.equal(a.elector.isLeader(), false), 10_000, 20);
      await eventually(() => assert.ok(a.state.stoppedAt > 0), 5_000, 20);
      assert.ok(
        a.state.stoppedAt - takenAt <= TIMING.retryPeriodMs * 2 + 500,
        `stopped after ${a.state.stoppedAt - takenAt} ms`,
      );
      const ticksWhenStopped = a.state.ticks;
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(a.state.ticks, ticksWhenStopped, 'no work after leadership is lost');
      // The intruder never renews: once its lease expires, the victim leads again.
      await eventually(() => assert.equal(a.state.leaderships, 2), 15_000);
      assert.ok(a.elector.isLeader());
    } finally {
      await a.stop();
    }
  });

  it('releases the lease on shutdown so a successor does not wait for expiry', async () => {
    const a = candidate(client, 'leaving', 'released');
    await eventually(() => assert.ok(a.elector.isLeader()));
    const b = candidate(client, 'next', 'released');
    try {
      await new Promise((r) => setTimeout(r, 700));
      const stoppedAt = Date.now();
      await a.stop();
      await eventually(() => assert.ok(b.elector.isLeader()), 10_000, 20);
      assert.ok(Date.now() - stoppedAt < TIMING.leaseDurationMs, 'faster than waiting for expiry');
    } finally {
      await b.stop();
    }
  });
});
