import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instanceReadyState } from './instanceConditions.js';

void describe('instanceReadyState', () => {
  void it('reports operations in flight first', () => {
    assert.equal(instanceReadyState({ pending: 'provision', state: 'available' }).reason, 'Creating');
    assert.equal(instanceReadyState({ pending: 'update', state: 'available' }).reason, 'Unavailable');
    assert.equal(instanceReadyState({ pending: 'deprovision' }).reason, 'Deleting');
  });

  void it('maps a9s states', () => {
    const cases: Array<[string, string]> = [
      ['created', 'Creating'],
      ['deploying', 'Creating'],
      ['provisioned', 'Available'],
      ['available', 'Available'],
      ['deleting', 'Deleting'],
      ['deleted', 'Unavailable'],
      ['failed', 'Unavailable'],
      ['unknown', 'Unavailable'],
      ['weird', 'Unavailable'],
    ];
    for (const [state, reason] of cases) assert.equal(instanceReadyState({ state }).reason, reason, state);
    assert.match(instanceReadyState({ state: 'weird' }).message ?? '', /"weird"/);
  });

  void it('treats a fetched instance without a9s state as available', () => {
    assert.deepEqual(instanceReadyState({}), { reason: 'Available', message: undefined });
  });
});
