import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@klutch/kube';
import {
  beheadClusterName,
  boundAnnotation,
  clusterNamespaceAnnotation,
  downstreamNameAnnotation,
  prependClusterName,
  resourceOwnerAnnotation,
} from './konnectorNames.js';
import {
  claimedCopy,
  claimedCopyDiffers,
  downstreamCopyForAdopt,
  specInSync,
  upstreamCopyForCreate,
  upstreamSpecApply,
} from './objectCopies.js';

const downstream: KubeObject = {
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: {
    name: 'w',
    namespace: 'team',
    uid: 'u1',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2024-01-01T00:00:00Z',
    deletionTimestamp: '2024-01-02T00:00:00Z',
    deletionGracePeriodSeconds: 0,
    managedFields: [{ manager: 'kubectl' }],
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'x' }],
    finalizers: ['klutch.anynines.com/syncer'],
    labels: { app: 'a' },
    annotations: { note: 'kept' },
  },
  spec: { size: 'small', nested: { a: [1, 2] } },
  status: { phase: 'Running' },
};

describe('upstream copy on create', () => {
  it('copies the whole object minus server-owned metadata and status, in the service namespace, marked bound', () => {
    const up = upstreamCopyForCreate(downstream, { name: 'w', namespace: 'cluster-x-team' });
    assert.deepEqual(up, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: {
        name: 'w',
        namespace: 'cluster-x-team',
        labels: { app: 'a' },
        annotations: { note: 'kept', [boundAnnotation]: 'true' },
      },
      spec: { size: 'small', nested: { a: [1, 2] } },
    });
  });
  it('does not alias the source', () => {
    const up = upstreamCopyForCreate(downstream, { name: 'w', namespace: 'n' });
    (up.spec as { size: string }).size = 'changed';
    assert.equal((downstream.spec as { size: string }).size, 'small');
  });
  it('marks cluster-scoped copies with the provider namespace and an ownerReference to it', () => {
    const cs: KubeObject = { ...downstream, metadata: { ...downstream.metadata, namespace: undefined } };
    delete cs.metadata.namespace;
    const up = upstreamCopyForCreate(
      cs,
      { name: 'cluster-x-w' },
      { providerNamespace: 'cluster-x', providerNamespaceUid: 'nsuid' },
    );
    assert.equal(up.metadata.name, 'cluster-x-w');
    assert.equal(up.metadata.namespace, undefined);
    assert.equal(up.metadata.annotations?.[clusterNamespaceAnnotation], 'cluster-x');
    assert.deepEqual(up.metadata.ownerReferences, [
      { apiVersion: 'v1', kind: 'Namespace', name: 'cluster-x', uid: 'nsuid' },
    ]);
    assert.equal(up.metadata.annotations?.[downstreamNameAnnotation], undefined, 'as the Go konnector');
  });
  it('records the downstream name on a copy whose prefixed name was capped', () => {
    const name = 'w'.repeat(250);
    const cs: KubeObject = { apiVersion: downstream.apiVersion, kind: downstream.kind, metadata: { name } };
    const target = { name: prependClusterName('cluster-x', name) };
    const up = upstreamCopyForCreate(cs, target, {
      providerNamespace: 'cluster-x',
      providerNamespaceUid: 'u',
    });
    assert.equal(up.metadata.annotations?.[downstreamNameAnnotation], name);
    assert.equal(beheadClusterName('cluster-x', target.name, name), name);
    const adopted = downstreamCopyForAdopt(up, { name });
    assert.equal(adopted.metadata.annotations?.[downstreamNameAnnotation], undefined);
  });
});

describe('spec apply and comparison', () => {
  it('applies identity, the bound marker and the spec only', () => {
    assert.deepEqual(upstreamSpecApply(downstream, { name: 'w', namespace: 'svc' }), {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'svc', annotations: { [boundAnnotation]: 'true' } },
      spec: { size: 'small', nested: { a: [1, 2] } },
    });
  });
  it('omits the spec when the downstream object has none', () => {
    const noSpec: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { name: 'n' } };
    assert.equal('spec' in upstreamSpecApply(noSpec, { name: 'n' }), false);
  });
  it('compares specs deeply', () => {
    assert.ok(specInSync(downstream, { metadata: {}, spec: { nested: { a: [1, 2] }, size: 'small' } }));
    assert.ok(!specInSync(downstream, { metadata: {}, spec: { size: 'small', nested: { a: [2, 1] } } }));
    assert.ok(
      !specInSync(downstream, { metadata: {}, spec: { size: 'small', nested: { a: [1, 2] }, extra: 1 } }),
    );
  });
});

describe('adoption copy', () => {
  it('marks the object bound and drops the provider-side cluster-namespace marker', () => {
    const up: KubeObject = {
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: {
        name: 'p-g',
        uid: 'u',
        resourceVersion: '1',
        annotations: { [clusterNamespaceAnnotation]: 'p', x: 'y' },
      },
      spec: { a: 1 },
      status: { phase: 'Up' },
    };
    assert.deepEqual(downstreamCopyForAdopt(up, { name: 'g' }), {
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g', annotations: { x: 'y', [boundAnnotation]: 'true' } },
      spec: { a: 1 },
    });
  });
});

describe('claimed copies', () => {
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'svc', uid: 'u', resourceVersion: '9', labels: { l: '1' } },
    type: 'Opaque',
    data: { password: 'cGFzcw==' },
  };
  it('carries content, labels and the owner annotation into the other namespace', () => {
    assert.deepEqual(claimedCopy(secret, { name: 's', namespace: 'team' }, 'Provider'), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        namespace: 'team',
        labels: { l: '1' },
        annotations: { [resourceOwnerAnnotation]: 'Provider' },
      },
      type: 'Opaque',
      data: { password: 'cGFzcw==' },
    });
  });
  it('detects content, label and annotation differences, ignoring server metadata', () => {
    const desired = claimedCopy(secret, { name: 's', namespace: 'team' }, 'Provider');
    const same = { ...desired, metadata: { ...desired.metadata, uid: 'other', resourceVersion: '77' } };
    assert.equal(claimedCopyDiffers(same, desired), false);
    assert.ok(claimedCopyDiffers({ ...same, data: { password: 'eA==' } }, desired));
    assert.ok(claimedCopyDiffers({ ...same, metadata: { ...same.metadata, labels: {} } }, desired));
    assert.ok(claimedCopyDiffers({ ...same, metadata: { ...same.metadata, annotations: {} } }, desired));
  });
});
