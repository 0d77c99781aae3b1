import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { object, required, string } from './builders.js';
import { ageColumn, conditionColumn, defineKind } from './crd.js';

void describe('defineKind', () => {
  const spec = object({ size: required(string({ description: 'size' })) }, { description: 'spec' });
  const status = object({ phase: string({ description: 'phase' }) }, { description: 'status' });

  void it('produces a CRD named <plural>.<group> with list kind, status subresource and columns', () => {
    const kind = defineKind({
      group: 'example.com',
      version: 'v1',
      kind: 'Widget',
      plural: 'widgets',
      scope: 'Cluster',
      description: 'A widget.',
      shortNames: ['wd'],
      categories: ['things'],
      spec,
      status,
      rules: [{ rule: "self.metadata.name != 'x'", message: 'no x' }],
      printerColumns: [conditionColumn('Ready', 'Ready', 'status'), ageColumn],
    });
    assert.equal(kind.apiVersion, 'example.com/v1');
    assert.equal(kind.crdName, 'widgets.example.com');
    assert.deepEqual(kind.crd.spec.names, {
      kind: 'Widget',
      listKind: 'WidgetList',
      plural: 'widgets',
      singular: 'widget',
      shortNames: ['wd'],
      categories: ['things'],
    });
    const version = kind.crd.spec.versions[0];
    assert.ok(version);
    assert.deepEqual(version.subresources, { status: {} });
    const root = version.schema.openAPIV3Schema;
    assert.deepEqual(root.required, ['spec']);
    assert.equal(root.properties?.spec, spec.json);
    assert.equal(root.properties?.status, status.json);
    assert.deepEqual(root['x-kubernetes-validations'], [
      { rule: "self.metadata.name != 'x'", message: 'no x' },
    ]);
    assert.deepEqual(version.additionalPrinterColumns?.[0], {
      name: 'Ready',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Ready")].status',
    });
  });

  void it('leaves out the status subresource and the spec requirement when asked', () => {
    const kind = defineKind({
      group: 'example.com',
      version: 'v1',
      kind: 'Plain',
      plural: 'plains',
      scope: 'Namespaced',
      description: 'Plain.',
      spec: object({}),
      specRequired: false,
      printerColumns: [],
    });
    const version = kind.crd.spec.versions[0];
    assert.equal(version?.subresources, undefined);
    assert.equal(version?.additionalPrinterColumns, undefined);
    assert.equal(version?.schema.openAPIV3Schema.required, undefined);
  });
});
