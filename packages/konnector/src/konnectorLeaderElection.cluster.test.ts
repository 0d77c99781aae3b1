import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BackendHandle } from '@klutch/backend';
import { KubeClient, microTime, ResourceClient } from '@klutch/kube';
import type { KubeObject } from '@klutch/kube';
import { eventually, startClusters } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import type { KonnectorHandle } from './startKonnector.js';
import {
  applyJson,
  bindAppCluster,
  gvr,
  prepareControlPlane,
  startTestBackend,
  startTestKonnector,
  waitForBindingReady,
  type BoundConsumer,
} from './testing/bindingTestbed.js';

/** Sum of a counter over all label sets, from the konnector's own metrics registry. */
async function counter(k: KonnectorHandle, name: string): Promise<number> {
  const text = await k.metrics.registry.metrics();
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

describe('konnector leader election', () => {
  let cp: TestCluster;
  let app: TestCluster;
  let backend: BackendHandle;
  let bound: BoundConsumer;
  let first: KonnectorHandle;
  let second: KonnectorHandle;
  let cpWidgets: ResourceClient;
  let appWidgets: ResourceClient;
  const ns = 'le';
  const serviceNs = () => `${bound.providerNamespace}-${ns}`;
  const widget = (name: string): KubeObject => ({
    apiVersion: 'konnector.test/v1',
    kind: 'Widget',
    metadata: { name, namespace: ns },
    spec: { size: name },
  });

  before(async () => {
    const clusters = await startClusters(['cp', 'app']);
    [cp, app] = clusters as [TestCluster, TestCluster];
    await prepareControlPlane(cp);
    backend = await startTestBackend(cp);
    bound = await bindAppCluster(backend, app, 'le#eeeeee', ['widgets']);
    first = await startTestKonnector(app, { identity: 'first' });
    await eventually(() => assert.ok(first.isLeader()), 30_000);
    second = await startTestKonnector(app, { identity: 'second' });
    await waitForBindingReady(app, 'widgets.konnector.test');
    await applyJson(app, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    cpWidgets = new ResourceClient(KubeClient.from({ file: cp.kubeconfigPath }), gvr('widgets'));
    appWidgets = new ResourceClient(bound.app, gvr('widgets'));
  });

  after(async () => {
    await Promise.allSettled([first?.stop(), second?.stop()]);
    await backend?.stop();
    await Promise.allSettled([cp, app].map((c) => c?.stop()));
  });

  it('only the leader syncs; the follower takes over when the leader stops', async () => {
    await appWidgets.create(widget('one'));
    await eventually(() => cpWidgets.get('one', { namespace: serviceNs() }), 30_000);
    assert.equal(second.isLeader(), false);
    assert.ok((await counter(first, 'controller_reconcile_total')) > 0);
    assert.equal(await counter(second, 'controller_reconcile_total'), 0, 'the follower reconciled something');
    assert.equal(await counter(second, 'informer_events_total'), 0, 'the follower runs informers');
    assert.equal((await fetch(`${first.healthUrl ?? ''}/readyz`)).status, 200);
    assert.equal((await fetch(`${second.healthUrl ?? ''}/readyz`)).status, 503, 'a follower is not ready');
    assert.equal((await fetch(`${second.healthUrl ?? ''}/healthz`)).status, 200);

    await first.stop();
    await eventually(() => assert.ok(second.isLeader()), 30_000);
    await appWidgets.create(widget('two'));
    await eventually(() => cpWidgets.get('two', { namespace: serviceNs() }), 30_000);
  });

  it('a leader that loses its lease stops syncing at once, then campaigns again', async () => {
    assert.ok(second.isLeader());
    const leases = new ResourceClient(bound.app, {
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      namespaced: true,
    });
    const lease = await leases.get('klutch-bind', { namespace: 'klutch-bind' });
    // Someone else grabs the lease for 6 seconds.
    await leases.update({
      ...lease,
      spec: {
        ...(lease.spec as object),
        holderIdentity: 'intruder',
        leaseDurationSeconds: 6,
        renewTime: microTime(new Date()),
      },
    });
    await eventually(() => assert.equal(second.isLeader(), false), 10_000, 50);
    const reconcilesAtLoss = await counter(second, 'controller_reconcile_total');
    await appWidgets.create(widget('three'));
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(
      await cpWidgets.tryGet('three', { namespace: serviceNs() }),
      undefined,
      'synced without the lease',
    );
    assert.equal(
      await counter(second, 'controller_reconcile_total'),
      reconcilesAtLoss,
      'reconciled without the lease',
    );
    // The intruder never renews: the konnector wins the lease back and catches up.
    await eventually(() => assert.ok(second.isLeader()), 30_000);
    await eventually(() => cpWidgets.get('three', { namespace: serviceNs() }), 30_000);
  });
});
