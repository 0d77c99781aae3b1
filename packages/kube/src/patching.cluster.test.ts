import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type TestCluster } from '@klutch/testenv';
import { crdClient, waitForCrdEstablished } from './customResourceDefinitions.js';
import { DynamicClient } from './dynamicClient.js';
import { addFinalizer, hasFinalizer, removeFinalizer } from './finalizers.js';
import { isConflict, KubeApiError } from './kubeApiError.js';
import { KubeClient } from './kubeClient.js';
import type { KubeObject } from './kubeObject.js';
import { createMergePatchWithPreconditions } from './mergePatch.js';
import type { ResourceClient } from './resourceClient.js';
import { widgetCrd } from './testdata/widgetCrd.js';

interface Widget extends KubeObject {
  spec?: { size?: number; color?: string; labels?: Record<string, string> };
}

interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  fieldsV1?: { 'f:spec'?: Record<string, unknown> };
}

function owners(obj: KubeObject, field: string): string[] {
  return ((obj.metadata.managedFields ?? []) as ManagedFieldsEntry[])
    .filter((m) => m.fieldsV1?.['f:spec']?.[`f:${field}`] !== undefined)
    .map((m) => m.manager)
    .sort();
}

describe('server-side apply, merge patches and finalizers on a real API server', { timeout: 180_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let dynamic: DynamicClient;
  let widgets: ResourceClient<Widget>;

  before(async () => {
    cluster = await startCluster({ name: 'patching' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    dynamic = new DynamicClient(client);
    await crdClient(client).create(widgetCrd());
    await waitForCrdEstablished(client, 'widgets.test.klutch.dev');
    // Resolved through discovery, which must find a CRD installed a moment ago.
    widgets = await dynamic.kind<Widget>({ group: 'test.klutch.dev', version: 'v1', kind: 'Widget' });
    assert.equal(widgets.scope.resource, 'widgets');
    assert.equal(widgets.scope.namespaced, true);
  });
  after(async () => {
    await client?.close();
    await cluster?.stop();
  });

  const applied = (spec: Widget['spec']): Widget => ({
    apiVersion: 'test.klutch.dev/v1',
    kind: 'Widget',
    metadata: { name: 'ssa', namespace: 'default' },
    spec,
  });

  it('records field ownership per manager', async () => {
    await dynamic.apply(applied({ size: 1 }), { fieldManager: 'alice' });
    const both = await widgets.apply(applied({ color: 'red' }), { fieldManager: 'bob' });
    assert.deepEqual(both.spec, { size: 1, color: 'red' });
    assert.deepEqual(owners(both, 'size'), ['alice']);
    assert.deepEqual(owners(both, 'color'), ['bob']);
  });

  it('fails with a conflict when another manager owns the field, without force', async () => {
    await assert.rejects(widgets.apply(applied({ size: 2 }), { fieldManager: 'bob' }), (err: unknown) => {
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.status, 409);
      assert.ok(isConflict(err));
      assert.match(err.message, /conflict/i);
      assert.match(err.message, /alice/);
      return true;
    });
    const unchanged = await widgets.get('ssa', { namespace: 'default' });
    assert.equal(unchanged.spec?.size, 1);
  });

  it('takes the field over with force', async () => {
    const forced = await widgets.apply(applied({ size: 2, color: 'red' }), {
      fieldManager: 'bob',
      force: true,
    });
    assert.equal(forced.spec?.size, 2);
    assert.deepEqual(owners(forced, 'size'), ['bob']);
  });

  it('removes a field its manager stops applying', async () => {
    const after = await widgets.apply(applied({ size: 2 }), { fieldManager: 'bob' });
    assert.equal(after.spec?.color, undefined);
  });

  it('rejects a merge patch whose resourceVersion precondition is stale', async () => {
    const original = await widgets.get('ssa', { namespace: 'default' });
    // Someone else writes in between.
    await widgets.patch('ssa', { spec: { size: 7 } }, 'merge', { namespace: 'default' });
    const patch = createMergePatchWithPreconditions(original, {
      ...original,
      spec: { ...original.spec, size: 3 },
    });
    assert.ok(patch);
    await assert.rejects(widgets.patch('ssa', patch, 'merge', { namespace: 'default' }), (err: unknown) =>
      isConflict(err),
    );
    const fresh = await widgets.get('ssa', { namespace: 'default' });
    assert.equal(fresh.spec?.size, 7);
    const ok = createMergePatchWithPreconditions(fresh, { ...fresh, spec: { ...fresh.spec, size: 3 } });
    const done = await widgets.patch('ssa', ok, 'merge', { namespace: 'default' });
    assert.equal(done.spec?.size, 3);
  });

  it('adds and removes finalizers, which hold deletion until removed', async () => {
    let w = await widgets.create({
      apiVersion: 'test.klutch.dev/v1',
      kind: 'Widget',
      metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/other'] },
    });
    w = await addFinalizer(widgets, w, 'klutch.anynines.com/syncer');
    assert.deepEqual(w.metadata.finalizers, ['example.com/other', 'klutch.anynines.com/syncer']);
    assert.equal(await addFinalizer(widgets, w, 'klutch.anynines.com/syncer'), w, 'no write when present');
    await widgets.delete('held', { namespace: 'default' });
    w = await widgets.get('held', { namespace: 'default' });
    assert.ok(w.metadata.deletionTimestamp, 'deletion waits for finalizers');
    w = await removeFinalizer(widgets, w, 'klutch.anynines.com/syncer');
    assert.equal(hasFinalizer(w, 'klutch.anynines.com/syncer'), false);
    assert.deepEqual(w.metadata.finalizers, ['example.com/other']);
    const stale = { ...w, metadata: { ...w.metadata, resourceVersion: '1' } };
    await assert.rejects(removeFinalizer(widgets, stale, 'example.com/other'), (err: unknown) =>
      isConflict(err),
    );
    await removeFinalizer(widgets, w, 'example.com/other');
    assert.equal(await widgets.tryGet('held', { namespace: 'default' }), undefined);
  });
});
