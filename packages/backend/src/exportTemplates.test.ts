import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CrdObject, ExportTemplateObject } from './backendObjects.js';
import { crdIsExported, exportRequestSpecFor, findTemplate } from './exportTemplates.js';

function template(
  ns: string,
  name: string,
  group: string,
  resource: string,
  version?: string,
): ExportTemplateObject {
  return {
    metadata: { namespace: ns, name },
    spec: {
      APIServiceSelector: { group, resource, ...(version ? { version } : {}) },
      permissionClaims: [{ group: '', resource: 'secrets', version: 'v1' }],
    },
  };
}

const crd: CrdObject = {
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { plural: 'widgets', kind: 'Widget' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true }],
  },
};

describe('export templates', () => {
  it('matches group and plural resource, picking the first by namespace and name', () => {
    const ts = [
      template('b', 'x', 'example.com', 'widgets'),
      template('a', 'y', 'example.com', 'widgets'),
      template('a', 'z', 'other.com', 'widgets'),
    ];
    assert.equal(findTemplate(ts, 'example.com', 'widgets')?.metadata.namespace, 'a');
    assert.equal(findTemplate(ts, 'example.com', 'gadgets'), undefined);
    assert.equal(findTemplate(ts, '', 'widgets'), undefined);
  });

  it('exports a CRD only when a template selects it (and serves the template version)', () => {
    assert.equal(crdIsExported(crd, [template('a', 'x', 'example.com', 'widgets')]), true);
    assert.equal(crdIsExported(crd, [template('a', 'x', 'example.com', 'widgets', 'v1')]), true);
    assert.equal(crdIsExported(crd, [template('a', 'x', 'example.com', 'widgets', 'v2')]), false);
    assert.equal(crdIsExported(crd, [template('a', 'x', 'example.org', 'widgets')]), false);
  });

  it('builds request specs with the template claims', () => {
    const spec = exportRequestSpecFor(template('a', 'x', 'example.com', 'widgets'), 'example.com', 'widgets');
    assert.deepEqual(
      spec.resources[0]?.permissionClaims?.map((c) => c.resource),
      ['secrets'],
    );
  });
});
