import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instanceDrift } from './instanceDrift.js';

void describe('instanceDrift', () => {
  const base = { desiredPlanId: 'p1', observedPlanId: 'p1', desiredParameters: {}, observedParameters: {} };

  void it('finds nothing when plan and parameters match', () => {
    assert.equal(instanceDrift(base), undefined);
    assert.equal(
      instanceDrift({ ...base, desiredParameters: { a: [1, 2] }, observedParameters: { a: [2, 1] } }),
      undefined,
    );
    assert.equal(instanceDrift({ ...base, desiredParameters: undefined, observedParameters: {} }), undefined);
  });

  void it('detects a plan change', () => {
    assert.deepEqual(instanceDrift({ ...base, desiredPlanId: 'p2' }), { planChanged: true });
  });

  void it('does not call an unknown observed plan a change', () => {
    assert.equal(instanceDrift({ ...base, observedPlanId: undefined }), undefined);
  });

  void it('detects parameter changes and sends the desired set, without nulls for removed keys', () => {
    assert.deepEqual(
      instanceDrift({ ...base, desiredParameters: { a: 2 }, observedParameters: { a: 1, b: 1 } }),
      { planChanged: false, parameters: { a: 2 } },
    );
    assert.equal(
      instanceDrift({ ...base, desiredParameters: { a: 1 }, observedParameters: { a: 1, b: 1 } }),
      undefined,
    );
  });

  void it('reports both at once', () => {
    assert.deepEqual(instanceDrift({ ...base, desiredPlanId: 'p2', desiredParameters: { a: 1 } }), {
      planChanged: true,
      parameters: { a: 1 },
    });
  });
});
