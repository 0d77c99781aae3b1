import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CrdObject, ExportTemplateObject } from './backendObjects.js';
import {
  crdIsExported,
  effectiveTemplates,
  exportRequestSpecFor,
  findTemplate,
  templateReadiness,
} from './exportTemplates.js';

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

void describe('templates of both groups', () => {
  const bindGroup = 'bind.anynines.com';
  const goGroup = 'example-backend.klutch.anynines.com';
  const seedTemplate = template('crossplane-system', 'pg', 'anynines.com', 'postgresqlinstances');
  const goSameName = template('crossplane-system', 'pg', 'anynines.com', 'mariadbinstances');
  const goOnly = template('crossplane-system', 'backups', 'anynines.com', 'backups');

  void it('uses templates of either group alike', () => {
    const used = effectiveTemplates([
      { group: bindGroup, templates: [seedTemplate] },
      { group: goGroup, templates: [goOnly] },
    ]);
    assert.deepEqual(used, [seedTemplate, goOnly]);
    assert.equal(findTemplate(used, 'anynines.com', 'backups'), goOnly);
    assert.deepEqual(
      templateReadiness(
        [
          { group: bindGroup, templates: [seedTemplate] },
          { group: goGroup, templates: [goOnly] },
        ],
        goGroup,
        'crossplane-system',
        'backups',
      ),
      { ready: true },
    );
  });

  void it('reports a same-name template in both groups as a conflict on both, and uses the bind.anynines.com one', () => {
    const groups = [
      { group: bindGroup, templates: [seedTemplate] },
      { group: goGroup, templates: [goSameName] },
    ];
    assert.deepEqual(effectiveTemplates(groups), [seedTemplate]);
    const onSeed = templateReadiness(groups, bindGroup, 'crossplane-system', 'pg');
    const onGo = templateReadiness(groups, goGroup, 'crossplane-system', 'pg');
    for (const r of [onSeed, onGo]) {
      assert.equal(r.ready, false);
      assert.equal(r.reason, 'Conflict');
      assert.match(
        r.message ?? '',
        /exists in the groups bind\.anynines\.com and example-backend\.klutch\.anynines\.com/,
      );
    }
    assert.match(
      onSeed.message ?? '',
      /\(this one\)\. Delete the template in example-backend\.klutch\.anynines\.com/,
    );
    assert.match(
      onGo.message ?? '',
      /not this one\. Delete the template in example-backend\.klutch\.anynines\.com/,
    );
  });

  void it('does not see a conflict between namespaces', () => {
    const other = template('other', 'pg', 'anynines.com', 'postgresqlinstances');
    const groups = [
      { group: bindGroup, templates: [seedTemplate] },
      { group: goGroup, templates: [other] },
    ];
    assert.equal(effectiveTemplates(groups).length, 2);
    assert.deepEqual(templateReadiness(groups, goGroup, 'other', 'pg'), { ready: true });
  });
});
