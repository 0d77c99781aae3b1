import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CrdObject, CrdVersion } from './backendObjects.js';
import { CrdConversionError, crdToExportSpec } from './crdToExport.js';

const schema = { openAPIV3Schema: { type: 'object' } };
const version = (name: string, served: boolean, storage: boolean): CrdVersion => ({
  name,
  served,
  storage,
  schema,
});

function crd(versions: CrdVersion[], strategy?: 'None' | 'Webhook'): CrdObject {
  return {
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions,
      ...(strategy ? { conversion: { strategy } } : {}),
    },
  };
}

describe('crdToExportSpec', () => {
  it('keeps served versions only, with schema and subresources', () => {
    const spec = crdToExportSpec(
      crd([version('v1', true, true), version('v2', false, false), version('v3', true, false)]),
    );
    assert.deepEqual(
      spec.versions.map((v) => [v.name, v.storage]),
      [
        ['v1', true],
        ['v3', false],
      ],
    );
    assert.deepEqual(spec.versions[0]?.schema, schema);
    assert.deepEqual(spec.versions[0]?.subresources, {});
    assert.deepEqual(spec.names, {
      plural: 'widgets',
      singular: 'widget',
      kind: 'Widget',
      listKind: 'WidgetList',
    });
  });

  it('with webhook conversion keeps only the storage version, marked storage', () => {
    const spec = crdToExportSpec(crd([version('v1', true, false), version('v2', true, true)], 'Webhook'));
    assert.deepEqual(
      spec.versions.map((v) => [v.name, v.storage]),
      [['v2', true]],
    );
  });

  it('narrows to the template version, which becomes the storage version', () => {
    const spec = crdToExportSpec(crd([version('v1', true, true), version('v2', true, false)]), 'v2');
    assert.deepEqual(
      spec.versions.map((v) => [v.name, v.storage]),
      [['v2', true]],
    );
    assert.throws(() => crdToExportSpec(crd([version('v1', true, true)]), 'v9'), /does not serve it/);
  });

  it('rejects CRDs without a schema or a served version', () => {
    assert.throws(
      () => crdToExportSpec(crd([{ name: 'v1', served: true, storage: true }])),
      CrdConversionError,
    );
    assert.throws(() => crdToExportSpec(crd([version('v1', false, true)])), /serves no version/);
  });
});
