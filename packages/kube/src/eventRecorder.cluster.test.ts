import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type TestCluster } from '@klutch/testenv';
import { EventRecorder, type CoreEvent } from './eventRecorder.js';
import { KubeClient } from './kubeClient.js';
import type { KubeObject } from './kubeObject.js';
import { silentLogger } from './logger.js';
import { ResourceClient } from './resourceClient.js';

describe('EventRecorder on a real API server', { timeout: 120_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let events: ResourceClient<CoreEvent>;

  before(async () => {
    cluster = await startCluster({ name: 'events' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    events = new ResourceClient<CoreEvent>(client, {
      group: '',
      version: 'v1',
      resource: 'events',
      namespaced: true,
    });
  });
  after(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('writes an Event kubectl describe shows, and counts repeats instead of duplicating', async () => {
    const cms = new ResourceClient<KubeObject>(client, {
      group: '',
      version: 'v1',
      resource: 'configmaps',
      namespaced: true,
    });
    const cm = await cms.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'subject', namespace: 'default' },
    });
    const recorder = new EventRecorder({ client, logger: silentLogger(), component: 'klutch-test' });
    await recorder.warning(cm, 'ReconcileError', 'the service broker at http://127.0.0.1:1 is unreachable');
    await recorder.warning(cm, 'ReconcileError', 'the service broker at http://127.0.0.1:1 is unreachable');
    await recorder.normal(cm, 'Synced', 'all good');
    const list = (await events.list({ namespace: 'default', fieldSelector: 'involvedObject.name=subject' }))
      .items;
    assert.equal(list.length, 2);
    const warning = list.find((e) => e.reason === 'ReconcileError');
    assert.equal(warning?.count, 2);
    assert.equal(warning?.type, 'Warning');
    assert.equal(warning?.involvedObject.uid, cm.metadata.uid);
    const described = await cluster.kubectl(['describe', 'configmap', 'subject']);
    assert.match(described.stdout, /Warning\s+ReconcileError.*unreachable/);
  });

  it('puts events about cluster-scoped objects into default, and never throws', async () => {
    const recorder = new EventRecorder({ client, logger: silentLogger(), component: 'klutch-test' });
    const ns: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kube-public', uid: 'u-1' },
    };
    await recorder.normal(ns, 'Checked', 'fine');
    const list = (await events.list({ namespace: 'default', fieldSelector: 'reason=Checked' })).items;
    assert.equal(list.length, 1);
    assert.equal(list[0]?.involvedObject.name, 'kube-public');
    // An invalid event (namespaced object in a namespace that does not exist) is logged, not thrown.
    const ghost: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'does-not-exist' },
    };
    await recorder.warning(ghost, 'Lost', 'nothing is thrown');
  });
});
