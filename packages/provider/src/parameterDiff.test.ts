import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parameterDiff } from './parameterDiff.js';

void describe('parameterDiff', () => {
  void it('is undefined when nothing changed', () => {
    assert.equal(parameterDiff({ a: 1, b: 'x' }, { b: 'x', a: 1 }), undefined);
    assert.equal(parameterDiff(undefined, undefined), undefined);
    assert.equal(parameterDiff({}, undefined), undefined);
    assert.equal(parameterDiff(undefined, {}), undefined);
  });

  void it('never sends null for a removed key: a removal alone is no change', () => {
    assert.equal(parameterDiff({ a: 1, b: 2 }, { a: 1 }), undefined);
    assert.equal(parameterDiff({ a: 1 }, undefined), undefined);
  });

  void it('sends the whole desired set when a key was added or changed', () => {
    assert.deepEqual(parameterDiff({ a: 1, b: 2 }, { a: 2, c: true }), { a: 2, c: true });
    assert.deepEqual(parameterDiff(undefined, { max_connections: 100 }), { max_connections: 100 });
    assert.deepEqual(parameterDiff({ a: 1, b: [1] }, { a: 1, b: [2] }), { a: 1, b: [2] });
  });

  void it('treats false and 0 as values, not as absent', () => {
    assert.deepEqual(parameterDiff({ a: true, n: 1 }, { a: false, n: 0 }), { a: false, n: 0 });
    assert.equal(parameterDiff({ a: false }, { a: false }), undefined);
  });

  void it('treats null as unset', () => {
    assert.equal(parameterDiff({ a: null }, {}), undefined);
    assert.equal(parameterDiff({}, { a: null }), undefined);
    assert.deepEqual(parameterDiff({ a: null }, { a: 1 }), { a: 1 });
  });

  void it('ignores the order of array elements', () => {
    assert.equal(parameterDiff({ dbs: ['a', 'b', 'c'] }, { dbs: ['c', 'a', 'b'] }), undefined);
    assert.equal(parameterDiff({ x: [{ k: 1 }, { k: 2 }] }, { x: [{ k: 2 }, { k: 1 }] }), undefined);
  });

  void it('sends a changed nested object whole', () => {
    assert.deepEqual(parameterDiff({ o: { x: 1, y: 2 } }, { o: { x: 1, y: 3 } }), { o: { x: 1, y: 3 } });
    assert.equal(parameterDiff({ o: { x: 1, y: [2, 3] } }, { o: { y: [3, 2], x: 1 } }), undefined);
  });
});
