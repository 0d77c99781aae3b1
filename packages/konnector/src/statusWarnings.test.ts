import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newStatusWarnings } from './statusWarnings.js';

const cond = (type: string, status: string, reason?: string, message?: string) => ({
  type,
  status,
  ...(reason !== undefined ? { reason } : {}),
  ...(message !== undefined ? { message } : {}),
});

describe('newStatusWarnings', () => {
  it('reports a Ready or Synced condition that turned False with a message', () => {
    const after = {
      conditions: [cond('Ready', 'False', 'ReconcileError', 'the broker refused: CREATEROLE')],
    };
    assert.deepEqual(newStatusWarnings(undefined, after), [
      { reason: 'ReconcileError', message: 'the broker refused: CREATEROLE' },
    ]);
    assert.deepEqual(newStatusWarnings({ conditions: [cond('Ready', 'True', 'Available')] }, after), [
      { reason: 'ReconcileError', message: 'the broker refused: CREATEROLE' },
    ]);
  });

  it('stays quiet while nothing changed, for progress, for True conditions and other types', () => {
    const failing = { conditions: [cond('Synced', 'False', 'ReconcileError', 'boom')] };
    assert.deepEqual(newStatusWarnings(failing, failing), []);
    assert.deepEqual(
      newStatusWarnings(undefined, { conditions: [cond('Ready', 'False', 'Creating', 'provisioning')] }),
      [],
    );
    assert.deepEqual(
      newStatusWarnings(undefined, { conditions: [cond('Ready', 'True', 'Available', 'ok')] }),
      [],
    );
    assert.deepEqual(newStatusWarnings(undefined, { conditions: [cond('Healthy', 'False', 'X', 'y')] }), []);
    assert.deepEqual(newStatusWarnings(undefined, { conditions: [cond('Ready', 'False', 'X')] }), []);
    assert.deepEqual(newStatusWarnings(undefined, { phase: 'x' }), []);
    assert.deepEqual(newStatusWarnings(undefined, undefined), []);
  });

  it('reports again when the message changes, and once when both conditions say the same', () => {
    const before = { conditions: [cond('Synced', 'False', 'ReconcileError', 'first')] };
    const after = {
      conditions: [
        cond('Synced', 'False', 'ReconcileError', 'second'),
        cond('Ready', 'False', 'ReconcileError', 'second'),
      ],
    };
    assert.deepEqual(newStatusWarnings(before, after), [{ reason: 'ReconcileError', message: 'second' }]);
  });

  it('names a missing reason after the condition', () => {
    assert.deepEqual(newStatusWarnings(undefined, { conditions: [cond('Ready', 'False', '', 'down')] }), [
      { reason: 'ReadyFalse', message: 'down' },
    ]);
  });
});
