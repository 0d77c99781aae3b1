import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bindingOwnerReference,
  crdNeedsUpdate,
  crdOwnedByBinding,
  desiredCrd,
  serviceExportToCrd,
  syncVersion,
} from './exportToCrd.js';
import type { BindingObject, CrdObject, ExportObject } from './konnectorObjects.js';

const exp: ExportObject = {
  apiVersion: 'klutch.anynines.com/v1alpha1',
  kind: 'APIServiceExport',
  metadata: { name: 'widgets.example.com', namespace: 'cluster-x', generation: 2 },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    informerScope: 'Namespaced',
    versions: [
      { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } },
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Size', type: 'string', jsonPath: '.spec.size' }],
      },
    ],
  },
};

const binding: BindingObject = {
  apiVersion: 'klutch.anynines.com/v1alpha1',
  kind: 'APIServiceBinding',
  metadata: { name: 'widgets.example.com', namespace: 'klutch-bind', uid: 'b-uid' },
  spec: { kubeconfigSecretRef: { name: 'k', namespace: 'klutch-bind', key: 'kubeconfig' } },
};

describe('ServiceExportToCRD', () => {
  it('keeps name, group, names, scope and every version; subresources always present', () => {
    const crd = serviceExportToCrd(exp);
    assert.equal(crd.metadata.name, 'widgets.example.com');
    assert.equal(crd.spec.group, 'example.com');
    assert.equal(crd.spec.scope, 'Namespaced');
    assert.deepEqual(crd.spec.names, exp.spec.names);
    assert.deepEqual(
      crd.spec.versions.map((v) => [v.name, v.served, v.storage]),
      [
        ['v1alpha1', false, false],
        ['v1', true, true],
      ],
    );
    assert.deepEqual(crd.spec.versions[0]?.subresources, {});
    assert.deepEqual(crd.spec.versions[1]?.subresources, { status: {} });
    assert.deepEqual(crd.spec.versions[1]?.additionalPrinterColumns, [
      { name: 'Size', type: 'string', jsonPath: '.spec.size' },
    ]);
  });
  it('syncs the first served version', () => {
    assert.equal(syncVersion(exp), 'v1');
    assert.equal(
      syncVersion({
        ...exp,
        spec: { ...exp.spec, versions: [{ name: 'v1', served: false, storage: true }] },
      }),
      undefined,
    );
  });
});

describe('CRD ownership (the foreign-CRD check)', () => {
  const withOwner = (ref: Partial<ReturnType<typeof bindingOwnerReference>>): CrdObject => ({
    ...serviceExportToCrd(exp),
    metadata: {
      name: 'widgets.example.com',
      ownerReferences: [{ ...bindingOwnerReference(binding), ...ref }],
    },
  });
  it('accepts a CRD owned by this binding', () => {
    assert.ok(crdOwnedByBinding(withOwner({}), binding));
  });
  it('rejects a different uid, name, kind or group, and no owner at all', () => {
    assert.ok(!crdOwnedByBinding(withOwner({ uid: 'other' }), binding));
    assert.ok(!crdOwnedByBinding(withOwner({ name: 'x.example.com' }), binding));
    assert.ok(!crdOwnedByBinding(withOwner({ kind: 'APIServiceExport' }), binding));
    assert.ok(!crdOwnedByBinding(withOwner({ apiVersion: 'other.io/v1alpha1' }), binding));
    assert.ok(
      !crdOwnedByBinding({ ...serviceExportToCrd(exp), metadata: { name: 'widgets.example.com' } }, binding),
    );
  });
});

describe('desired CRD and updates', () => {
  it('owns a new CRD with a controller reference to the binding', () => {
    const crd = desiredCrd(undefined, exp, binding);
    assert.deepEqual(crd.metadata.ownerReferences, [
      {
        apiVersion: 'klutch.anynines.com/v1alpha1',
        kind: 'APIServiceBinding',
        name: 'widgets.example.com',
        uid: 'b-uid',
        controller: true,
      },
    ]);
  });
  it('keeps the existing metadata and follows schema changes of the export', () => {
    const existing: CrdObject = {
      ...desiredCrd(undefined, exp, binding),
      metadata: {
        ...desiredCrd(undefined, exp, binding).metadata,
        resourceVersion: '5',
        labels: { keep: 'me' },
      },
    };
    assert.equal(crdNeedsUpdate(existing, desiredCrd(existing, exp, binding)), false);
    const changed: ExportObject = structuredClone(exp);
    const v1 = changed.spec.versions[1];
    if (v1)
      v1.schema = {
        openAPIV3Schema: {
          type: 'object',
          properties: { spec: { type: 'object', properties: { size: { type: 'string' } } } },
        },
      };
    const next = desiredCrd(existing, changed, binding);
    assert.ok(crdNeedsUpdate(existing, next));
    assert.equal(next.metadata.resourceVersion, '5');
    assert.deepEqual(next.metadata.labels, { keep: 'me' });
  });
});
