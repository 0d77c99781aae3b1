import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startCluster, type TestCluster } from '@klutch/testenv';
import { Controller } from './controller.js';
import { Informer } from './informer.js';
import { KubeClient } from './kubeClient.js';
import type { KubeObject } from './kubeObject.js';
import { splitObjectKey } from './kubeObject.js';
import { silentLogger } from './logger.js';
import { createMergePatchWithPreconditions } from './mergePatch.js';
import { RuntimeMetrics } from './metrics.js';
import { startObservabilityServer } from './observabilityServer.js';
import { ResourceClient } from './resourceClient.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const NS = 'ctl';
const OBSERVED = 'test.klutch.dev/observed';

describe('controller on a real API server', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let configMaps: ResourceClient<ConfigMap>;

  before(async () => {
    cluster = await startCluster({ name: 'controller' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    configMaps = new ResourceClient<ConfigMap>(client, {
      group: '',
      version: 'v1',
      resource: 'configmaps',
      namespaced: true,
    });
    await new ResourceClient(client, {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      namespaced: false,
    }).create({
      metadata: { name: NS },
    });
  });
  after(async () => {
    await client?.close();
    await cluster?.stop();
  });

  /** Copies data.value into an annotation: a level-triggered reconcile with an optimistic-concurrency write. */
  async function mirror(key: string): Promise<void> {
    const { namespace, name } = splitObjectKey(key);
    const cm = await configMaps.tryGet(name, { namespace });
    if (!cm) return;
    const want = cm.data?.value ?? '';
    if (cm.metadata.annotations?.[OBSERVED] === want) return;
    const desired = {
      ...cm,
      metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [OBSERVED]: want } },
    };
    const patch = createMergePatchWithPreconditions(cm, desired);
    await configMaps.patch(name, patch, 'merge', { namespace });
  }

  it('reconciles every object to its desired state with several workers, never one key twice at once', async () => {
    const informer = new Informer<ConfigMap>({
      resource: configMaps,
      logger: silentLogger(),
      namespace: NS,
      labelSelector: 'mirror=yes',
    });
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    const metrics = new RuntimeMetrics();
    const controller = new Controller({
      name: 'mirror',
      workers: 4,
      logger: silentLogger(),
      metrics,
      reconcile: async (key) => {
        if (inFlight.has(key)) overlaps.push(key);
        inFlight.add(key);
        try {
          await mirror(key);
        } finally {
          inFlight.delete(key);
        }
      },
    });
    controller.watch(informer);
    const stop = new AbortController();
    informer.start(stop.signal);
    const running = controller.run(stop.signal);
    const obs = await startObservabilityServer({
      address: '127.0.0.1:0',
      metrics,
      logger: silentLogger(),
      ready: () => ({ ready: informer.hasSynced(), reason: 'informer not synced' }),
    });
    try {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          configMaps.create({
            metadata: { name: `cm-${i}`, namespace: NS, labels: { mirror: 'yes' } },
            data: { value: `v${i}` },
          }),
        ),
      );
      for (let i = 0; i < 40; i += 3) {
        await configMaps.patch(`cm-${i}`, { data: { value: `changed-${i}` } }, 'merge', { namespace: NS });
      }
      await eventually(async () => {
        const list = await configMaps.listAll({ namespace: NS, labelSelector: 'mirror=yes' });
        const wrong = list.items.filter((c) => c.metadata.annotations?.[OBSERVED] !== c.data?.value);
        assert.equal(list.items.length, 40);
        assert.deepEqual(
          wrong.map((c) => c.metadata.name),
          [],
        );
      }, 60_000);
      assert.deepEqual(overlaps, []);

      const ready = await fetch(`${obs.url}/readyz`);
      assert.equal(ready.status, 200);
      // The mirror's own writes come back as events (and conflicts as retries), so the queue
      // drains a moment after every object is right: wait for it instead of sampling once.
      const text = await eventually(async () => {
        const t = await (await fetch(`${obs.url}/metrics`)).text();
        assert.match(t, /workqueue_depth\{name="mirror"\} 0/);
        return t;
      }, 30_000);
      assert.match(text, /workqueue_adds_total\{name="mirror"\} \d+/);
      assert.match(text, /controller_reconcile_total\{controller="mirror",result="success"\} \d+/);
      assert.match(text, /controller_reconcile_time_seconds_bucket/);
      assert.match(text, /informer|workqueue_queue_duration_seconds/);
    } finally {
      stop.abort();
      await running;
      await informer.stop();
      await obs.close();
    }
  });

  it('retries failures with backoff and honours requeueAfter', async () => {
    const informer = new Informer<ConfigMap>({
      resource: configMaps,
      logger: silentLogger(),
      namespace: NS,
      fieldSelector: 'metadata.name=flaky',
    });
    const attempts: number[] = [];
    let periodic = 0;
    const metrics = new RuntimeMetrics();
    const controller = new Controller({
      name: 'flaky',
      logger: silentLogger(),
      metrics,
      reconcile: async (key) => {
        attempts.push(Date.now());
        if (attempts.length <= 3) throw new Error('backend not reachable yet');
        await mirror(key);
        periodic++;
        return periodic < 3 ? { requeueAfterMs: 150 } : undefined;
      },
    });
    controller.watch(informer);
    const stop = new AbortController();
    informer.start(stop.signal);
    const running = controller.run(stop.signal);
    try {
      await configMaps.create({ metadata: { name: 'flaky', namespace: NS }, data: { value: 'x' } });
      await eventually(() => assert.equal(periodic, 3), 30_000);
      const cm = await configMaps.get('flaky', { namespace: NS });
      assert.equal(cm.metadata.annotations?.[OBSERVED], 'x');
      // Exponential: each retry waits at least as long as the one before.
      const gaps = attempts.slice(1, 4).map((t, i) => t - (attempts[i] ?? t));
      assert.ok(gaps[1]! >= gaps[0]! - 5 && gaps[2]! >= gaps[1]! - 5, `gaps ${gaps.join(',')}`);
      const text = await metrics.render();
      assert.match(text, /controller_reconcile_errors_total\{controller="flaky"\} 3/);
      assert.match(text, /controller_reconcile_total\{controller="flaky",result="requeue_after"\} 2/);
    } finally {
      stop.abort();
      await running;
      await informer.stop();
    }
  });

  it('stops when its signal aborts and can run again, reseeded from the cache', async () => {
    const informer = new Informer<ConfigMap>({
      resource: configMaps,
      logger: silentLogger(),
      namespace: NS,
      labelSelector: 'restart=yes',
    });
    const seen: string[] = [];
    const controller = new Controller({
      name: 'restartable',
      logger: silentLogger(),
      reconcile: (key) => {
        seen.push(key);
        return Promise.resolve();
      },
    });
    controller.watch(informer);
    const stopInformer = new AbortController();
    informer.start(stopInformer.signal);
    try {
      await configMaps.create({ metadata: { name: 'r1', namespace: NS, labels: { restart: 'yes' } } });
      const first = new AbortController();
      const run1 = controller.run(first.signal);
      await eventually(() => assert.ok(seen.includes(`${NS}/r1`)));
      first.abort();
      await run1;
      assert.equal(controller.running, false);

      // Changes while stopped are not lost: the next run lists the cache.
      await configMaps.create({ metadata: { name: 'r2', namespace: NS, labels: { restart: 'yes' } } });
      await eventually(() => assert.ok(informer.get(`${NS}/r2`)));
      assert.ok(!seen.includes(`${NS}/r2`));
      const second = new AbortController();
      const run2 = controller.run(second.signal);
      await eventually(() => assert.ok(seen.includes(`${NS}/r2`)));
      second.abort();
      await run2;
    } finally {
      stopInformer.abort();
      await informer.stop();
    }
  });
});
