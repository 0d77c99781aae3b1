import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDnsSubdomain } from '@klutch/kube';
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
  it('caps an over-long prefixed name at 253 characters and maps it back only through the annotation', () => {
    const long = `db.${'x'.repeat(245)}`;
    const up = prependClusterName('cluster-abcdefgh', long);
    assert.equal(up.length, 253);
    assert.ok(isDnsSubdomain(up), up);
    assert.equal(prependClusterName('cluster-abcdefgh', long), up, 'stable');
    assert.notEqual(prependClusterName('cluster-abcdefgh', `${long}y`), up, 'distinct');
    // Only the recorded downstream name leads back to the object the copy was made from.
    assert.notEqual(beheadClusterName('cluster-abcdefgh', up), long);
    assert.equal(beheadClusterName('cluster-abcdefgh', up, long), long);
    // An annotation that does not map to the name is not believed.
    assert.equal(beheadClusterName('cluster-abcdefgh', up, 'other'), undefined);
    assert.equal(beheadClusterName('cluster-zzzzzzzz', up, long), undefined);
  });
});
