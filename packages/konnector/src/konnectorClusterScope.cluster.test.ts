import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BackendHandle, ConsumerScope } from '@klutch/backend';
import { isForbidden, KubeClient, ResourceClient } from '@klutch/kube';
import { eventually, startClusters } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { boundAnnotation, clusterNamespaceAnnotation, syncerFinalizer } from './konnectorNames.js';
import type { KonnectorHandle } from './startKonnector.js';
import {
  applyJson,
  bindAppCluster,
  gvr,
  prepareControlPlane,
  startTestBackend,
  startTestKonnector,
  suffix,
  waitForBindingReady,
  type BoundConsumer,
} from './testing/bindingTestbed.js';

// A cluster-scoped API is watched cluster-wide on the provider whatever the consumer scope: the
// backend (with --cluster-scoped-isolation None, the only mode it exports cluster-scoped APIs in)
// grants cluster-scoped exports cluster-wide in both scopes, and its write policy lets the consumer
// write only objects with its own prefix, which the konnector gives every upstream copy. With
// consumer scope Cluster the namespaced API is watched cluster-wide too, with scope Namespaced per
// service namespace.
for (const consumerScope of ['Namespaced', 'Cluster'] as const satisfies readonly ConsumerScope[])
  describe(`konnector with a cluster-scoped API, consumer scope ${consumerScope}`, () => {
    let cp: TestCluster;
    let app: TestCluster;
    let backend: BackendHandle;
    let bound: BoundConsumer;
    let konnector: KonnectorHandle;
    let cpGadgets: ResourceClient;
    let appGadgets: ResourceClient;

    before(async () => {
      const clusters = await startClusters(['cp', 'app']);
      [cp, app] = clusters as [TestCluster, TestCluster];
      await prepareControlPlane(cp);
      backend = await startTestBackend(cp, consumerScope);
      bound = await bindAppCluster(backend, app, 'scoped#cccccc', ['gadgets', 'widgets']);
      konnector = await startTestKonnector(app);
      await waitForBindingReady(app, 'gadgets.konnector.test');
      await waitForBindingReady(app, 'widgets.konnector.test');
      const admin = KubeClient.from({ file: cp.kubeconfigPath });
      cpGadgets = new ResourceClient(admin, gvr('gadgets', false));
      appGadgets = new ResourceClient(bound.app, gvr('gadgets', false));
    });

    after(async () => {
      await konnector?.stop();
      await backend?.stop();
      await bound?.consumer.close();
      await bound?.app.close();
      await Promise.allSettled([cp, app].map((c) => c?.stop()));
    });

    it('syncs a cluster-scoped object under a prefixed name owned by the provider namespace', async () => {
      const name = `g-${suffix()}`;
      const upName = `${bound.providerNamespace}-${name}`;
      await appGadgets.create({
        apiVersion: 'konnector.test/v1',
        kind: 'Gadget',
        metadata: { name },
        spec: { size: 'one' },
      });
      const up = await eventually(() => cpGadgets.get(upName), 30_000);
      assert.equal(up.metadata.annotations?.[boundAnnotation], 'true');
      assert.equal(up.metadata.annotations?.[clusterNamespaceAnnotation], bound.providerNamespace);
      assert.equal(up.metadata.ownerReferences?.[0]?.kind, 'Namespace');
      assert.equal(up.metadata.ownerReferences?.[0]?.name, bound.providerNamespace);
      assert.ok((await appGadgets.get(name)).metadata.finalizers?.includes(syncerFinalizer));

      await appGadgets.patch(name, { spec: { size: 'two' } }, 'merge');
      await eventually(async () => assert.deepEqual((await cpGadgets.get(upName)).spec, { size: 'two' }));
      await cpGadgets.patch(upName, { status: { phase: 'Up' } }, 'merge', { subresource: 'status' });
      await eventually(async () => assert.deepEqual((await appGadgets.get(name)).status, { phase: 'Up' }));
      await appGadgets.delete(name);
      await eventually(async () => {
        assert.equal(await cpGadgets.tryGet(upName), undefined);
        assert.equal(await appGadgets.tryGet(name), undefined);
      });
    });

    it("ignores upstream objects without this consumer's prefix, adopts prefixed ones", async () => {
      const other = `someone-else-${suffix()}`;
      await cpGadgets.create({
        apiVersion: 'konnector.test/v1',
        kind: 'Gadget',
        metadata: { name: other },
        spec: { size: 'x' },
      });
      const adopted = `adopted-${suffix()}`;
      await cpGadgets.create({
        apiVersion: 'konnector.test/v1',
        kind: 'Gadget',
        metadata: { name: `${bound.providerNamespace}-${adopted}` },
        spec: { size: 'y' },
      });
      const down = await eventually(() => appGadgets.get(adopted), 30_000);
      assert.equal(down.metadata.annotations?.[boundAnnotation], 'true');
      assert.equal(down.metadata.annotations?.[clusterNamespaceAnnotation], undefined);
      await new Promise((r) => setTimeout(r, 1000));
      const names = (await appGadgets.list()).items.map((o) => o.metadata.name);
      assert.ok(!names.includes(other) && !names.some((n) => n?.includes('someone-else')), names.join(','));
      assert.ok(await cpGadgets.get(other), 'a foreign object must not be deleted');
    });

    it('grants the consumer the cluster-scoped API cluster-wide, the namespaced one only for scope Cluster', async () => {
      const consumerGadgets = new ResourceClient(bound.consumer, gvr('gadgets', false));
      await consumerGadgets.list();
      // Reads are shared, writes are not: a name without this consumer's prefix is refused.
      await assert.rejects(
        consumerGadgets.create({
          apiVersion: 'konnector.test/v1',
          kind: 'Gadget',
          metadata: { name: `unprefixed-${suffix()}` },
          spec: { size: 'x' },
        }),
        (err: unknown) => isForbidden(err),
      );
      const consumerWidgets = new ResourceClient(bound.consumer, gvr('widgets'));
      if (consumerScope === 'Cluster') await consumerWidgets.list();
      else await assert.rejects(consumerWidgets.list(), (err: unknown) => isForbidden(err));
    });

    it('syncs a namespaced API alongside', async () => {
      const ns = `cw-${suffix()}`;
      await applyJson(app, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const appWidgets = new ResourceClient(bound.app, gvr('widgets'));
      const cpWidgets = new ResourceClient(KubeClient.from({ file: cp.kubeconfigPath }), gvr('widgets'));
      await appWidgets.create({
        apiVersion: 'konnector.test/v1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: ns },
        spec: { size: 'a' },
      });
      const serviceNs = `${bound.providerNamespace}-${ns}`;
      await eventually(() => cpWidgets.get('w', { namespace: serviceNs }), 30_000);
      await cpWidgets.patch('w', { status: { phase: 'Done' } }, 'merge', {
        namespace: serviceNs,
        subresource: 'status',
      });
      await eventually(async () =>
        assert.deepEqual((await appWidgets.get('w', { namespace: ns })).status, { phase: 'Done' }),
      );
    });
  });
