import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { available, creating, withReady, withSynced } from './managedConditions.js';

const t0 = new Date('2030-01-01T00:00:00Z');
const t1 = new Date('2030-01-01T00:05:00Z');

void describe('managed resource conditions', () => {
  void it('sets Crossplane Ready and Synced with reasons and the generation', () => {
    let c = withReady(undefined, creating('Provisioning.'), 3, t0);
    c = withSynced(c, {}, 3, t0);
    assert.deepEqual(c, [
      {
        type: 'Ready',
        status: 'False',
        reason: 'Creating',
        message: 'Provisioning.',
        lastTransitionTime: '2030-01-01T00:00:00Z',
        observedGeneration: 3,
      },
      {
        type: 'Synced',
        status: 'True',
        reason: 'ReconcileSuccess',
        lastTransitionTime: '2030-01-01T00:00:00Z',
        observedGeneration: 3,
      },
    ]);
  });

  void it('reports errors in Synced and keeps the transition time of unchanged conditions', () => {
    const before = withSynced(withReady(undefined, available(), 1, t0), { error: 'boom' }, 1, t0);
    const after = withSynced(withReady(before, available(), 1, t1), { error: 'boom' }, 1, t1);
    assert.deepEqual(after, before);
    const synced = after.find((x) => x.type === 'Synced');
    assert.equal(synced?.reason, 'ReconcileError');
    assert.equal(synced?.message, 'boom');
    const fixed = withSynced(after, {}, 1, t1).find((x) => x.type === 'Synced');
    assert.equal(fixed?.lastTransitionTime, '2030-01-01T00:05:00Z');
  });
});
