import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getCondition } from '@klutch/kube';
import { computeExportStatus } from './exportConditions.js';
import type { CrdObject, ExportObject } from './konnectorObjects.js';

const t0 = new Date('2025-01-01T00:00:00Z');
const exp: ExportObject = {
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets' },
    scope: 'Namespaced',
    informerScope: 'Namespaced',
    versions: [],
  },
  status: {
    conditions: [{ type: 'ProviderInSync', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }],
  },
};
const crd: CrdObject = {
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets' },
    scope: 'Namespaced',
    versions: [],
  },
  status: {
    conditions: [
      { type: 'Established', status: 'True' },
      { type: 'NamesAccepted', status: 'False', reason: 'Conflict', message: 'taken' },
    ],
    acceptedNames: { kind: 'Widget', plural: 'widgets' },
    storedVersions: ['v1'],
  },
};

describe('export status from the consumer side', () => {
  it('without a binding: Connected and ConsumerInSync False/Info, ProviderInSync kept', () => {
    const s = computeExportStatus(exp, { bindingExists: false, schemaInSync: false }, t0);
    assert.equal(getCondition(s.conditions, 'Connected')?.reason, 'APIServiceBindingNotFound');
    assert.equal(getCondition(s.conditions, 'Connected')?.severity, 'Info');
    assert.equal(getCondition(s.conditions, 'ConsumerInSync')?.status, 'False');
    assert.equal(getCondition(s.conditions, 'ProviderInSync')?.status, 'True');
  });
  it('ConsumerInSync follows the schema, CRD conditions and names are copied', () => {
    const s = computeExportStatus(exp, { bindingExists: true, crd, schemaInSync: true }, t0);
    assert.equal(getCondition(s.conditions, 'Connected')?.status, 'True');
    assert.equal(getCondition(s.conditions, 'ConsumerInSync')?.status, 'True');
    assert.equal(getCondition(s.conditions, 'Established')?.status, 'True');
    const names = getCondition(s.conditions, 'NamesAccepted');
    assert.equal(names?.severity, 'Error');
    assert.equal(names?.message, 'taken');
    assert.equal(getCondition(s.conditions, 'Ready')?.status, 'False');
    assert.deepEqual(s.acceptedNames, { kind: 'Widget', plural: 'widgets' });
    assert.deepEqual(s.storedVersions, ['v1']);
    const drift = computeExportStatus(
      exp,
      { bindingExists: true, schemaInSync: false, schemaProblem: 'not installed' },
      t0,
    );
    assert.equal(getCondition(drift.conditions, 'ConsumerInSync')?.message, 'not installed');
  });
  it('never copies empty accepted names (the API server reports them before accepting)', () => {
    const early: CrdObject = { ...crd, status: { acceptedNames: { kind: '', plural: '' } } };
    assert.equal(
      computeExportStatus(exp, { bindingExists: true, crd: early, schemaInSync: true }, t0).acceptedNames,
      undefined,
    );
  });
});
