import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '@klutch/kube';
import type { Informer, ResourceClient } from '@klutch/kube';
import { createExportReconciler, syncerRestartDelayMs } from './exportReconciler.js';
import type { ExportSyncer } from './exportSyncer.js';
import { bindingOwnerReference, serviceExportToCrd } from './exportToCrd.js';
import type { BindingObject, CrdObject, ExportObject } from './konnectorObjects.js';

const name = 'widgets.example.com';
const exp: ExportObject = {
  apiVersion: 'klutch.anynines.com/v1alpha1',
  kind: 'APIServiceExport',
  metadata: { name, namespace: 'cluster-x', uid: 'e-uid', generation: 1 },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    informerScope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
  },
};
const binding: BindingObject = {
  apiVersion: 'klutch.anynines.com/v1alpha1',
  kind: 'APIServiceBinding',
  metadata: { name, namespace: 'klutch-bind', uid: 'b-uid' },
  spec: { kubeconfigSecretRef: { name: 'k', namespace: 'klutch-bind', key: 'kubeconfig' } },
};
const crd = (generation: number): CrdObject => {
  const c = serviceExportToCrd(exp);
  return {
    ...c,
    metadata: { ...c.metadata, uid: 'c-uid', generation, ownerReferences: [bindingOwnerReference(binding)] },
    status: { conditions: [{ type: 'Established', status: 'True' }] },
  };
};

describe('export reconciler', () => {
  it('restarts the syncer when the app CRD changes, but only after the schema switch pause', async () => {
    let now = 1_000_000;
    let currentCrd = crd(1);
    const started: string[] = [];
    let stopped = 0;
    const syncers = new Map<string, { identity: string; syncer: ExportSyncer }>();
    const reconcile = createExportReconciler({
      providerNamespace: 'cluster-x',
      exports: { get: () => exp } as unknown as Informer<ExportObject>,
      exportClient: { update: () => Promise.resolve(exp) } as unknown as ResourceClient<ExportObject>,
      appCrds: { get: () => currentCrd } as unknown as Informer<CrdObject>,
      bindingNamed: () => binding,
      syncers,
      syncerStoppedAt: new Map(),
      now: () => now,
      startSyncer: () => {
        started.push(String(currentCrd.metadata.generation));
        return Promise.resolve({
          stop: () => {
            stopped++;
            return Promise.resolve();
          },
        } as unknown as ExportSyncer);
      },
    });
    const ctx = { signal: new AbortController().signal, logger: silentLogger() };

    assert.equal(await reconcile(name, ctx), undefined);
    assert.deepEqual(started, ['1'], 'the first start does not wait');
    assert.equal(await reconcile(name, ctx), undefined);
    assert.deepEqual(started, ['1'], 'nothing changed, nothing restarted');

    currentCrd = crd(2);
    const outcome = await reconcile(name, ctx);
    assert.equal(stopped, 1);
    assert.deepEqual(started, ['1']);
    assert.equal(outcome?.requeueAfterMs, syncerRestartDelayMs);

    now += syncerRestartDelayMs - 1;
    assert.ok(((await reconcile(name, ctx))?.requeueAfterMs ?? 0) > 0);
    assert.deepEqual(started, ['1']);
    now += 1;
    assert.equal(await reconcile(name, ctx), undefined);
    assert.deepEqual(started, ['1', '2']);
  });
});
