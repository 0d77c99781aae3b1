import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  belongsToClaim,
  claimNameLabelProblem,
  claimOf,
  managedResourceLabels,
} from './managedResourceLabels.js';

describe('managed resource labels', () => {
  it('records the claim and the instance type', () => {
    assert.deepEqual(managedResourceLabels({ namespace: 'ns', name: 'db' }, 'postgresql'), {
      'crossplane.io/claim-name': 'db',
      'crossplane.io/claim-namespace': 'ns',
      'klutch.io/instance-type': 'postgresql',
    });
  });

  it('recognises only resources labelled for the same claim', () => {
    const mr = {
      metadata: { name: 'x', labels: managedResourceLabels({ namespace: 'ns', name: 'db' }, 'x') },
    };
    assert.deepEqual(claimOf(mr), { namespace: 'ns', name: 'db' });
    assert.equal(belongsToClaim(mr, { namespace: 'ns', name: 'db' }), true);
    assert.equal(belongsToClaim(mr, { namespace: 'other', name: 'db' }), false);
    assert.equal(belongsToClaim(mr, { namespace: 'ns', name: 'db2' }), false);
    assert.equal(belongsToClaim({ metadata: { name: 'x' } }, { namespace: 'ns', name: 'db' }), false);
    assert.equal(
      belongsToClaim(
        { metadata: { name: 'x', labels: { 'crossplane.io/claim-name': 'db' } } },
        { namespace: 'ns', name: 'db' },
      ),
      false,
    );
  });

  it('rejects claim names that cannot be label values', () => {
    assert.equal(claimNameLabelProblem('db'), undefined);
    assert.equal(claimNameLabelProblem('a'.repeat(63)), undefined);
    assert.equal(claimNameLabelProblem('my.db-1'), undefined);
    const problem = claimNameLabelProblem('a'.repeat(64));
    assert.match(problem ?? '', /64 characters long/);
    assert.match(problem ?? '', /at most 63 characters/);
  });
});
