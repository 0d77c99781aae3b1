import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeBindingOperation, parseBindingOperation } from './bindingOperation.js';

void describe('binding operations', () => {
  void it('round-trips', () => {
    for (const op of [
      { kind: 'bind' as const, bindingId: 'uid-1', key: 'op:with:colons' },
      { kind: 'unbind' as const, bindingId: 'uid' },
    ]) {
      assert.deepEqual(parseBindingOperation(encodeBindingOperation(op)), op);
    }
  });

  void it('ignores empty and foreign values', () => {
    assert.equal(parseBindingOperation(undefined), undefined);
    assert.equal(parseBindingOperation(''), undefined);
    assert.equal(parseBindingOperation('rebind:x:y'), undefined);
  });
});
