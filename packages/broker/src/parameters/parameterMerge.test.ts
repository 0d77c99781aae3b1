import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeParameterPatch, patchAssignments, sameJson } from './parameterMerge.js';

describe('mergeParameterPatch', () => {
  it('adds, replaces and removes (null) keys without touching the others', () => {
    assert.deepEqual(mergeParameterPatch({ a: 1, b: 'x', c: [1] }, { a: 2, b: null, d: true }), {
      a: 2,
      c: [1],
      d: true,
    });
  });

  it('does not modify its inputs', () => {
    const current = { a: 1 };
    mergeParameterPatch(current, { a: null });
    assert.deepEqual(current, { a: 1 });
  });
});

describe('patchAssignments', () => {
  it('drops removals', () => {
    assert.deepEqual(patchAssignments({ a: null, b: 1 }), { b: 1 });
  });
});

describe('sameJson', () => {
  it('ignores object key order but not array order', () => {
    assert.ok(sameJson({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }));
    assert.ok(!sameJson({ a: [1, 2] }, { a: [2, 1] }));
    assert.ok(!sameJson({ a: 1 }, { a: 1, b: null }));
  });
});
