import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { beheadClusterName, prependClusterName } from './konnectorNames.js';

describe('Prefixed names of cluster-scoped objects', () => {
  it('prepends the provider namespace', () => {
    assert.equal(prependClusterName('cluster-abc', 'db'), 'cluster-abc-db');
  });
  it('beheads only names with this provider namespace as prefix', () => {
    assert.equal(beheadClusterName('cluster-abc', 'cluster-abc-db'), 'db');
    assert.equal(beheadClusterName('cluster-abc', 'cluster-abc-x-y'), 'x-y');
    assert.equal(beheadClusterName('cluster-abc', 'cluster-abd-db'), undefined);
    assert.equal(beheadClusterName('cluster-abc', 'db'), undefined);
    assert.equal(beheadClusterName('cluster-abc', 'cluster-abc-'), undefined);
    assert.equal(beheadClusterName('cluster-abc', 'cluster-abcdef-db'), undefined);
  });
  it('round-trips', () => {
    assert.equal(beheadClusterName('p', prependClusterName('p', 'name')), 'name');
  });
});
