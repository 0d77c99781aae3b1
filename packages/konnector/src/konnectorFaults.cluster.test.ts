import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BackendHandle } from '@klutch/backend';
import { KubeClient, ResourceClient } from '@klutch/kube';
import type { KubeObject } from '@klutch/kube';
import { eventually, startClusters } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { boundAnnotation, syncerFinalizer } from './konnectorNames.js';
import {
  applyJson,
  bindAppCluster,
  gvr,
  prepareControlPlane,
  startTestBackend,
  suffix,
  waitForBindingReady,
} from './testing/bindingTestbed.js';
import type { BoundConsumer } from './testing/bindingTestbed.js';
import { KonnectorProcess } from './testing/konnectorProcess.js';

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

describe('konnector faults', () => {
  let cp: TestCluster;
  let app: TestCluster;
  let backend: BackendHandle;
  let bound: BoundConsumer;
  let konnector: KonnectorProcess;
  let cpWidgets: ResourceClient;
  let appWidgets: ResourceClient;
  const dir = mkdtempSync(join(tmpdir(), 'konnector-faults-'));

  before(async () => {
    const clusters = await startClusters(['cp', 'app']);
    [cp, app] = clusters as [TestCluster, TestCluster];
    await prepareControlPlane(cp);
    backend = await startTestBackend(cp);
    bound = await bindAppCluster(backend, app, 'faults#ffffff', ['widgets']);
    konnector = new KonnectorProcess({
      kubeconfigPath: app.kubeconfigPath,
      logFile: join(dir, 'konnector.log'),
      identity: `konnector-${suffix()}`,
    });
    konnector.start();
    await waitForBindingReady(app, 'widgets.konnector.test');
    cpWidgets = new ResourceClient(KubeClient.from({ file: cp.kubeconfigPath }), gvr('widgets'));
    appWidgets = new ResourceClient(bound.app, gvr('widgets'));
  });

  after(async () => {
    await konnector?.kill();
    await backend?.stop();
    await Promise.allSettled([cp, app].map((c) => c?.stop()));
    if (!process.env.KONNECTOR_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
  });

  const widget = (ns: string, name: string, size: string): KubeObject => ({
    apiVersion: 'konnector.test/v1',
    kind: 'Widget',
    metadata: { name, namespace: ns },
    spec: { size },
  });

  it('konnector killed while syncing 500 objects: after restart each is upstream exactly once, in the right state; deletions made while it was down are applied', async () => {
    const ns = `bulk-${suffix()}`;
    const serviceNs = `${bound.providerNamespace}-${ns}`;
    await applyJson(app, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const names = Array.from({ length: 500 }, (_, i) => `w-${String(i).padStart(3, '0')}`);
    await pool(names, 16, (n) => appWidgets.create(widget(ns, n, 'small')));
    // Kill it in the middle of the sync.
    await eventually(
      async () => {
        const list = await cpWidgets.list({ namespace: serviceNs });
        assert.ok(list.items.length >= 60, `only ${list.items.length} upstream yet`);
      },
      120_000,
      100,
    );
    await konnector.kill();
    const upAtKill = (await cpWidgets.list({ namespace: serviceNs })).items.length;
    assert.ok(upAtKill < 500, `the sync finished before the kill (${upAtKill}); the test proves nothing`);

    // While it is down: change some, delete some (synced ones stay Terminating on the finalizer).
    const changed = names.slice(0, 40);
    const deleted = names.slice(100, 130).concat(names.slice(480));
    await pool(changed, 8, (n) =>
      appWidgets.patch(n, { spec: { size: 'large' } }, 'merge', { namespace: ns }),
    );
    await pool(deleted, 8, (n) => appWidgets.delete(n, { namespace: ns }));

    konnector.start();
    const expected = new Set(names.filter((n) => !deleted.includes(n)));
    await eventually(
      async () => {
        const up = (await cpWidgets.list({ namespace: serviceNs })).items;
        const upNames = up.map((o) => o.metadata.name ?? '');
        assert.equal(up.length, expected.size, `${up.length} upstream, expected ${expected.size}`);
        assert.equal(new Set(upNames).size, upNames.length);
        for (const o of up) {
          const name = o.metadata.name ?? '';
          assert.ok(expected.has(name), `unexpected upstream ${name}`);
          assert.deepEqual(o.spec, { size: changed.includes(name) ? 'large' : 'small' }, name);
          assert.equal(o.metadata.annotations?.[boundAnnotation], 'true');
        }
        const down = (await appWidgets.list({ namespace: ns })).items;
        assert.equal(down.length, expected.size, `${down.length} downstream`);
        for (const o of down)
          assert.ok(
            o.metadata.finalizers?.includes(syncerFinalizer),
            `${o.metadata.name ?? ''} has no finalizer`,
          );
      },
      180_000,
      1000,
    );
  });

  it('objects deleted in the app cluster while the konnector is down are deleted upstream after restart', async () => {
    const ns = `down-${suffix()}`;
    const serviceNs = `${bound.providerNamespace}-${ns}`;
    await applyJson(app, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const names = ['d1', 'd2', 'd3', 'keep'];
    for (const n of names) await appWidgets.create(widget(ns, n, 'm'));
    await eventually(
      async () => assert.equal((await cpWidgets.list({ namespace: serviceNs })).items.length, 4),
      60_000,
    );
    await konnector.kill();
    for (const n of ['d1', 'd2']) await appWidgets.delete(n, { namespace: ns });
    // A deletion that bypasses the finalizer (someone removed it by hand): only `bound` tells.
    await appWidgets.patch('d3', { metadata: { finalizers: null } }, 'merge', { namespace: ns });
    await appWidgets.delete('d3', { namespace: ns });
    assert.equal(await appWidgets.tryGet('d3', { namespace: ns }), undefined);
    assert.equal((await cpWidgets.list({ namespace: serviceNs })).items.length, 4);
    konnector.start();
    await eventually(
      async () => {
        const up = (await cpWidgets.list({ namespace: serviceNs })).items.map((o) => o.metadata.name);
        assert.deepEqual(up, ['keep']);
        const down = (await appWidgets.list({ namespace: ns })).items.map((o) => o.metadata.name);
        assert.deepEqual(down, ['keep']);
      },
      90_000,
      500,
    );
  });

  it('a control-plane API server restart during sync: sync resumes without manual action', async () => {
    const ns = `restart-${suffix()}`;
    const serviceNs = `${bound.providerNamespace}-${ns}`;
    await applyJson(app, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await appWidgets.create(widget(ns, 'before', 's'));
    await eventually(() => cpWidgets.get('before', { namespace: serviceNs }), 60_000);
    const names = Array.from({ length: 100 }, (_, i) => `r-${i}`);
    const creating = pool(names, 8, (n) => appWidgets.create(widget(ns, n, 's')));
    await cp.killApiServer();
    await creating;
    await appWidgets.patch('before', { spec: { size: 'after-restart' } }, 'merge', { namespace: ns });
    await new Promise((r) => setTimeout(r, 3000));
    await cp.startApiServer();
    await eventually(
      async () => {
        const up = (await cpWidgets.list({ namespace: serviceNs })).items;
        assert.equal(up.length, 101, `${up.length} upstream`);
        assert.deepEqual(up.find((o) => o.metadata.name === 'before')?.spec, { size: 'after-restart' });
      },
      120_000,
      1000,
    );
    // Status still flows back after the restart.
    await cpWidgets.patch('r-7', { status: { phase: 'Ready' } }, 'merge', {
      namespace: serviceNs,
      subresource: 'status',
    });
    await eventually(
      async () =>
        assert.deepEqual((await appWidgets.get('r-7', { namespace: ns })).status, { phase: 'Ready' }),
      60_000,
    );
  });
});
