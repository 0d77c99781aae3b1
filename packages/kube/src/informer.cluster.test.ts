import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startCluster, type TestCluster } from '@klutch/testenv';
import { crdClient, waitForCrdEstablished } from './customResourceDefinitions.js';
import { Informer } from './informer.js';
import { KubeClient } from './kubeClient.js';
import type { KubeObject } from './kubeObject.js';
import { silentLogger } from './logger.js';
import { ResourceClient } from './resourceClient.js';
import { EventRecorder } from './testdata/eventRecorder.js';
import { widgetCrd } from './testdata/widgetCrd.js';

interface Widget extends KubeObject {
  spec?: { size?: number; color?: string };
  status?: { phase?: string };
}

const WIDGETS = { group: 'test.klutch.dev', version: 'v1', resource: 'widgets', namespaced: true };

function widget(name: string, size: number): Widget {
  return {
    apiVersion: 'test.klutch.dev/v1',
    kind: 'Widget',
    metadata: { name, namespace: 'default' },
    spec: { size },
  };
}

async function serverVersions(w: ResourceClient<Widget>): Promise<Map<string, string | undefined>> {
  const list = await w.listAll({ namespace: 'default' });
  return new Map(list.items.map((o) => [`default/${o.metadata.name}`, o.metadata.resourceVersion]));
}

describe('informer on a real API server', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let widgets: ResourceClient<Widget>;

  before(async () => {
    cluster = await startCluster({ name: 'informer' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    await crdClient(client).create(widgetCrd());
    const crd = await waitForCrdEstablished(client, 'widgets.test.klutch.dev');
    assert.ok(crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'));
    widgets = new ResourceClient<Widget>(client, WIDGETS);
  });
  after(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('creates, updates and deletes custom objects, and the cache emits every event', async () => {
    const informer = new Informer<Widget>({
      resource: widgets,
      logger: silentLogger(),
      namespace: 'default',
    });
    const rec = new EventRecorder<Widget>();
    const log: string[] = [];
    informer.addHandlers(rec);
    informer.addHandlers({
      onAdd: (o) => log.push(`add ${o.metadata.name}`),
      onUpdate: (_, o) => log.push(`update ${o.metadata.name} size=${o.spec?.size}`),
      onDelete: (o) => log.push(`delete ${o.metadata.name}`),
    });
    informer.start();
    try {
      await informer.waitForSync();
      const a = await widgets.create(widget('crud-a', 1));
      assert.equal(a.spec?.size, 1);
      const fetched = await widgets.get('crud-a', { namespace: 'default' });
      const updated = await widgets.update({ ...fetched, spec: { size: 2 } });
      assert.equal(updated.spec?.size, 2);
      await widgets.patch('crud-a', { spec: { size: 3 } }, 'merge', { namespace: 'default' });
      await widgets.patch('crud-a', { status: { phase: 'Ready' } }, 'merge', {
        namespace: 'default',
        subresource: 'status',
      });
      await widgets.delete('crud-a', { namespace: 'default' });
      assert.equal(await widgets.tryGet('crud-a', { namespace: 'default' }), undefined);
      await eventually(() =>
        assert.deepEqual(log, [
          'add crud-a',
          'update crud-a size=2',
          'update crud-a size=3',
          'update crud-a size=3',
          'delete crud-a',
        ]),
      );
      assert.deepEqual(rec.violations, []);
      assert.equal(informer.get('default/crud-a'), undefined);
    } finally {
      await informer.stop();
    }
  });

  it('caches objects without managedFields unless asked to keep them', async () => {
    await widgets.create(widget('mf', 1));
    const lean = new Informer<Widget>({ resource: widgets, logger: silentLogger(), namespace: 'default' });
    const full = new Informer<Widget>({
      resource: widgets,
      logger: silentLogger(),
      namespace: 'default',
      keepManagedFields: true,
    });
    lean.start();
    full.start();
    try {
      await Promise.all([lean.waitForSync(), full.waitForSync()]);
      assert.equal(lean.get('default/mf')?.metadata.managedFields, undefined);
      assert.ok((full.get('default/mf')?.metadata.managedFields?.length ?? 0) > 0);
      await widgets.patch('mf', { spec: { size: 2 } }, 'merge', { namespace: 'default' });
      await eventually(() => assert.equal(lean.get('default/mf')?.spec?.size, 2));
      assert.equal(lean.get('default/mf')?.metadata.managedFields, undefined);
    } finally {
      await Promise.all([lean.stop(), full.stop()]);
      await widgets.delete('mf', { namespace: 'default' });
    }
  });

  it('replays the cache to handlers added later, and stops calling removed ones', async () => {
    await widgets.create(widget('late-1', 1));
    const informer = new Informer<Widget>({
      resource: widgets,
      logger: silentLogger(),
      namespace: 'default',
    });
    informer.start();
    try {
      await informer.waitForSync();
      const seen: string[] = [];
      const remove = informer.addHandlers({ onAdd: (o) => seen.push(o.metadata.name ?? '') });
      assert.ok(seen.includes('late-1'));
      remove();
      await widgets.create(widget('late-2', 1));
      await eventually(() => assert.ok(informer.get('default/late-2')));
      assert.ok(!seen.includes('late-2'));
    } finally {
      await informer.stop();
      await widgets.delete('late-1', { namespace: 'default' });
      await widgets.delete('late-2', { namespace: 'default' });
    }
  });

  it('survives kill -9 of the API server and catches up with changes made while it was down', async () => {
    for (let i = 0; i < 20; i++) await widgets.create(widget(`crash-${i}`, i));
    const informer = new Informer<Widget>({
      resource: widgets,
      logger: silentLogger(),
      namespace: 'default',
      backoff: { initialMs: 100, maxMs: 1000, jitter: 0.5 },
    });
    const rec = new EventRecorder<Widget>();
    informer.addHandlers(rec);
    informer.start();
    try {
      await informer.waitForSync();
      assert.equal(rec.state.size, 20);

      await cluster.killApiServer();
      // While our API server is down, change the cluster through a second API server on the same etcd.
      const extra = await cluster.startExtraApiServer();
      const other = KubeClient.from({ text: extra.kubeconfig });
      const otherWidgets = new ResourceClient<Widget>(other, WIDGETS);
      for (let i = 0; i < 5; i++) await otherWidgets.delete(`crash-${i}`, { namespace: 'default' });
      for (let i = 5; i < 10; i++)
        await otherWidgets.patch(`crash-${i}`, { spec: { size: 100 + i } }, 'merge', {
          namespace: 'default',
        });
      for (let i = 20; i < 25; i++) await otherWidgets.create(widget(`crash-${i}`, i));
      // Deleted and re-created: same name, new object.
      await otherWidgets.delete('crash-10', { namespace: 'default' });
      await otherWidgets.create(widget('crash-10', 1010));
      await other.close();
      await extra.stop();

      await cluster.startApiServer();
      // And more changes right after the restart, racing the informer's reconnect.
      await widgets.patch('crash-11', { spec: { size: 1111 } }, 'merge', { namespace: 'default' });
      await widgets.create(widget('crash-25', 25));

      const expected = await serverVersions(widgets);
      await eventually(() => assert.deepEqual(rec.versions(), expected), 60_000);
      assert.deepEqual(rec.violations, []);
      assert.equal(rec.state.get('default/crash-10')?.spec?.size, 1010);
      assert.equal(rec.state.get('default/crash-7')?.spec?.size, 107);
      assert.equal(rec.state.has('default/crash-3'), false);
      assert.deepEqual(new Set(informer.keys()), new Set(expected.keys()));

      // The watch works again after the restart, not only the relist.
      await widgets.patch('crash-12', { spec: { size: 1212 } }, 'merge', { namespace: 'default' });
      await eventually(() => assert.equal(rec.state.get('default/crash-12')?.spec?.size, 1212));
    } finally {
      await informer.stop();
    }
  });

  it('relists periodically and reconciles the cache without duplicate events', async () => {
    const informer = new Informer<Widget>({
      resource: widgets,
      logger: silentLogger(),
      namespace: 'default',
      relistIntervalMs: 300,
    });
    const rec = new EventRecorder<Widget>();
    informer.addHandlers(rec);
    informer.start();
    try {
      await informer.waitForSync();
      const adds = rec.counts.add;
      await new Promise((r) => setTimeout(r, 1500)); // several relists, nothing changed
      assert.equal(rec.counts.add, adds);
      assert.equal(rec.counts.update, 0);
      assert.deepEqual(rec.violations, []);
    } finally {
      await informer.stop();
    }
  });
});
