import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodePendingOperation, parsePendingOperation } from './pendingOperation.js';

void describe('pending operations', () => {
  const never = () => {
    throw new Error('must not infer');
  };

  void it('round-trips kind and key', () => {
    for (const op of [
      { kind: 'provision' as const, key: 'op-1' },
      { kind: 'update' as const, key: 'a:b:c' },
      { kind: 'deprovision' as const },
      { kind: 'provision' as const, key: 'op-2', startedAtMs: 1_764_680_000_000 },
      { kind: 'cleanup-due' as const, startedAtMs: 5 },
      { kind: 'cleanup' as const, key: 'del-1' },
    ]) {
      assert.deepEqual(parsePendingOperation(encodePendingOperation(op), never), op);
    }
  });

  void it('has nothing pending for an empty value', () => {
    assert.equal(parsePendingOperation(undefined, never), undefined);
    assert.equal(parsePendingOperation('', never), undefined);
  });

  void it('infers the kind of a bare key', () => {
    assert.deepEqual(
      parsePendingOperation('task-17', () => 'deprovision'),
      { kind: 'deprovision', key: 'task-17' },
    );
    assert.deepEqual(
      parsePendingOperation('other:thing', () => 'update'),
      { kind: 'update', key: 'other:thing' },
    );
  });
});
