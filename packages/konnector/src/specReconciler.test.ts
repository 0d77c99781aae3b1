import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeApiError, MutationCache, silentLogger } from '@klutch/kube';
import type { EventRecorder, Informer, InformerSet, KubeObject, ResourceClient } from '@klutch/kube';
import { boundAnnotation, syncerFinalizer } from './konnectorNames.js';
import type { ServiceNamespaceObject } from './konnectorObjects.js';
import { createSpecReconciler } from './specReconciler.js';
import type { SyncContext } from './syncContext.js';

const appObject: KubeObject = {
  apiVersion: 'konnector.test/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'app', uid: 'down-uid', resourceVersion: '5' },
  spec: { size: 's' },
};

interface Calls {
  created: KubeObject[];
  deleted: Array<{ name: string; uid?: string }>;
  patched: unknown[];
  gets: number;
}

/** A sync context whose clients record calls; `downstreamPatch` decides the finalizer write. */
function fakeContext(opts: { upstreamCached?: KubeObject; downstreamPatch: () => Promise<KubeObject> }): {
  ctx: SyncContext;
  calls: Calls;
} {
  const calls: Calls = { created: [], deleted: [], patched: [], gets: 0 };
  const upstream = {
    create: (obj: KubeObject) => {
      calls.created.push(obj);
      return Promise.resolve({ ...obj, metadata: { ...obj.metadata, uid: 'up-uid', resourceVersion: '7' } });
    },
    delete: (name: string, o: { preconditions?: { uid?: string } }) => {
      calls.deleted.push({ name, ...(o.preconditions?.uid ? { uid: o.preconditions.uid } : {}) });
      return Promise.resolve();
    },
    tryGet: () => {
      calls.gets++;
      return Promise.resolve(undefined);
    },
  } as unknown as ResourceClient;
  const downstream = {
    patch: (_name: string, patch: unknown) => {
      calls.patched.push(patch);
      return opts.downstreamPatch();
    },
  } as unknown as ResourceClient;
  const sn: ServiceNamespaceObject = {
    apiVersion: 'klutch.anynines.com/v1alpha1',
    kind: 'APIServiceNamespace',
    metadata: { name: 'app', namespace: 'provider' },
    spec: {},
    status: { namespace: 'provider-app' },
  };
  const ctx: SyncContext = {
    exportName: 'widgets.konnector.test',
    providerNamespace: 'provider',
    clusterScoped: false,
    statusSubresource: true,
    downstream,
    upstream,
    downInformer: { get: () => appObject } as unknown as Informer,
    upInformers: {
      hasSyncedFor: () => true,
      get: () => opts.upstreamCached,
    } as unknown as InformerSet,
    upstreamWrites: new MutationCache(),
    mapping: { serviceNamespace: () => sn, consumerNamespaceOf: () => 'app' },
    serviceNamespaces: {} as ResourceClient<ServiceNamespaceObject>,
    events: {} as EventRecorder,
    controllers: {},
  };
  return { ctx, calls };
}

const reconcileCtx = { signal: new AbortController().signal, logger: silentLogger() };

describe('spec reconciler', () => {
  it('writes the finalizer and the upstream copy together, then trusts its own write', async () => {
    const { ctx, calls } = fakeContext({
      downstreamPatch: () =>
        Promise.resolve({ ...appObject, metadata: { ...appObject.metadata, finalizers: [syncerFinalizer] } }),
    });
    const reconcile = createSpecReconciler(ctx);
    assert.equal(await reconcile('app/w', reconcileCtx), undefined);
    assert.equal(calls.created.length, 1);
    assert.equal(calls.created[0]?.metadata.namespace, 'provider-app');
    assert.equal(calls.created[0]?.metadata.annotations?.[boundAnnotation], 'true');
    assert.equal(calls.patched.length, 1);
    assert.equal(calls.gets, 0, 'decided from the cache, no live read');
    // The provider-side cache has not seen the copy yet: the own write answers, nothing is sent.
    const again = await reconcile('app/w', reconcileCtx);
    assert.equal(calls.created.length, 1);
    assert.ok(again && typeof again === 'object' && (again.requeueAfterMs ?? 0) > 0);
  });

  it('deletes the fresh upstream copy when the app object vanished before it got the finalizer', async () => {
    const { ctx, calls } = fakeContext({
      downstreamPatch: () =>
        Promise.reject(
          new KubeApiError('PATCH', '/w', 404, { kind: 'Status', reason: 'NotFound', message: 'gone' }),
        ),
    });
    await createSpecReconciler(ctx)('app/w', reconcileCtx);
    assert.equal(calls.created.length, 1);
    assert.deepEqual(calls.deleted, [{ name: 'w', uid: 'up-uid' }]);
  });

  it('does not delete anything when the finalizer write fails for another reason', async () => {
    const { ctx, calls } = fakeContext({
      downstreamPatch: () =>
        Promise.reject(
          new KubeApiError('PATCH', '/w', 409, { kind: 'Status', reason: 'Conflict', message: 'stale' }),
        ),
    });
    await assert.rejects(createSpecReconciler(ctx)('app/w', reconcileCtx), /409/);
    assert.equal(calls.created.length, 1);
    assert.deepEqual(calls.deleted, []);
  });

  it('sends nothing for an object whose cached upstream copy is in sync', async () => {
    const { ctx, calls } = fakeContext({
      upstreamCached: {
        ...appObject,
        metadata: { name: 'w', namespace: 'provider-app', annotations: { [boundAnnotation]: 'true' } },
      },
      downstreamPatch: () =>
        Promise.resolve({ ...appObject, metadata: { ...appObject.metadata, finalizers: [syncerFinalizer] } }),
    });
    const withFinalizer = {
      ...appObject,
      metadata: { ...appObject.metadata, finalizers: [syncerFinalizer] },
    };
    ctx.downInformer = { get: () => withFinalizer } as unknown as Informer;
    assert.equal(await createSpecReconciler(ctx)('app/w', reconcileCtx), undefined);
    assert.deepEqual(calls, { created: [], deleted: [], patched: [], gets: 0 });
  });
});
