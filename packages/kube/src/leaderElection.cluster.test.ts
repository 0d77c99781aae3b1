import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, startCluster, startStallingTcpProxy, type TestCluster } from '@klutch/testenv';
import { KubeClient } from './kubeClient.js';
import type { KubeObject } from './kubeObject.js';
import { LeaderElector, microTime, type Lease } from './leaderElection.js';
import { LeadershipLostError } from './leadershipScope.js';
import { silentLogger } from './logger.js';
import { RuntimeMetrics } from './metrics.js';
import { ResourceClient } from './resourceClient.js';

const TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const configMapScope = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

  it('stops a leader whose connection hangs before its lease can be taken; none of its writes lands after the successor started', async (t) => {
    const apiServer = new URL(cluster.server);
    const proxy = await startStallingTcpProxy({ host: apiServer.hostname, port: Number(apiServer.port) });
    // A reaches the API server only through the proxy; B and the test go directly.
    const viaProxy = KubeClient.from({
      text: readFileSync(cluster.kubeconfigPath, 'utf8').replaceAll(
        cluster.server,
        `https://127.0.0.1:${proxy.port}`,
      ),
    });
    const direct = KubeClient.from({ file: cluster.kubeconfigPath });
    const watched = new ResourceClient<ConfigMap>(client, configMapScope);
    const created = await watched.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fenced-writes', namespace: 'default' },
      data: { writer: 'nobody', seq: '0' },
    });
    // The object's history, in the order the API server stored it.
    const history: Array<{ writer: string; seq: number }> = [];
    const stopWatching = new AbortController();
    const watching = (async () => {
      for await (const ev of watched.watch({
        namespace: 'default',
        fieldSelector: 'metadata.name=fenced-writes',
        resourceVersion: created.metadata.resourceVersion,
        signal: stopWatching.signal,
      })) {
        if (ev.type === 'MODIFIED')
          history.push({ writer: ev.object.data?.writer ?? '', seq: Number(ev.object.data?.seq) });
      }
    })().catch(() => undefined);

    const a = { leadingAt: 0, lostAt: 0, landed: 0, refused: 0, otherErrors: 0, sawB: false };
    const aWrites = new ResourceClient<ConfigMap>(viaProxy, configMapScope);
    const electorA = new LeaderElector({
      client: viaProxy,
      namespace: 'default',
      name: 'fenced',
      identity: 'a',
      logger: silentLogger(),
      ...TIMING,
      onNewLeader: (identity) => {
        if (identity === 'b') a.sawB = true;
      },
      onStartedLeading: async (leadership) => {
        a.leadingAt = performance.now();
        leadership.addEventListener('abort', () => (a.lostAt = performance.now()), { once: true });
        // A careless reconciler: it passes no signal and ignores `leadership`, writing on for 3 s
        // after the lease is lost. The runtime alone must keep those writes from landing.
        let seq = 0;
        while (!a.lostAt || performance.now() - a.lostAt < 3000) {
          try {
            await aWrites.patch('fenced-writes', { data: { writer: 'a', seq: String(++seq) } }, 'merge', {
              namespace: 'default',
            });
            a.landed++;
          } catch (err) {
            if (err instanceof LeadershipLostError) a.refused++;
            else a.otherErrors++;
            await pause(20);
          }
        }
      },
    });
    const b = { leadingAt: 0 };
    const bWrites = new ResourceClient<ConfigMap>(direct, configMapScope);
    const electorB = new LeaderElector({
      client: direct,
      namespace: 'default',
      name: 'fenced',
      identity: 'b',
      logger: silentLogger(),
      ...TIMING,
      onStartedLeading: async (leadership) => {
        b.leadingAt = performance.now();
        let seq = 0;
        while (!leadership.aborted) {
          await bWrites
            .patch('fenced-writes', { data: { writer: 'b', seq: String(++seq) } }, 'merge', {
              namespace: 'default',
              signal: leadership,
            })
            .catch(() => undefined);
          await pause(50);
        }
      },
    });
    const stopA = new AbortController();
    const stopB = new AbortController();
    const runningA = electorA.run(stopA.signal);
    let runningB: Promise<void> | undefined;
    try {
      await eventually(() => assert.ok(history.filter((h) => h.writer === 'a').length >= 3), 30_000);
      runningB = electorB.run(stopB.signal);
      await pause(1000);
      assert.equal(b.leadingAt, 0, 'B waits while A renews');

      proxy.stall();
      const stalledAt = performance.now();
      await eventually(() => assert.ok(a.lostAt > 0, 'A stops leading'), 15_000, 10);
      const stopMs = a.lostAt - stalledAt;
      t.diagnostic(`A stopped ${Math.round(stopMs)} ms after its connection stalled`);
      // Its last renewal started before the stall, so the renew deadline counts from before it.
      assert.ok(stopMs <= TIMING.renewDeadlineMs + 500, `A stopped ${Math.round(stopMs)} ms after the stall`);

      await eventually(() => assert.ok(b.leadingAt > 0, 'B takes over'), 15_000, 10);
      t.diagnostic(`B took over ${Math.round(b.leadingAt - a.lostAt)} ms after A stopped`);
      assert.ok(a.lostAt < b.leadingAt, 'A stopped before B started');
      await eventually(() => assert.ok(history.some((h) => h.writer === 'b')), 10_000);

      // The network recovers: whatever A had sent into it arrives now, unless it was reset.
      proxy.release();
      await eventually(() => assert.ok(a.sawB, 'A sees B as leader through the recovered path'), 15_000);
      await eventually(() => assert.ok(performance.now() - a.lostAt > 3500, "A's careless writer gave up"));
      await pause(1000);

      const firstB = history.findIndex((h) => h.writer === 'b');
      const lateA = history.slice(firstB).filter((h) => h.writer === 'a');
      assert.deepEqual(lateA, [], `writes of A landed after B's first: ${JSON.stringify(lateA)}`);
      assert.ok(a.refused > 0, 'writes after the lease was lost were refused');
      assert.equal(electorA.isLeader(), false);
      assert.ok(electorB.isLeader());
    } finally {
      proxy.release();
      stopA.abort();
      stopB.abort();
      await Promise.all([runningA, runningB]);
      stopWatching.abort();
      await watching;
      await Promise.all([viaProxy.close(1000), direct.close(1000)]);
      await proxy.close();
    }
  });
});
