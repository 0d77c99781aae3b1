import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMergePatch, createMergePatchWithPreconditions, deepEqual } from './mergePatch.js';

describe('createMergePatch', () => {
  const cases: Array<[string, unknown, unknown, unknown]> = [
    ['no change', { a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } }, undefined],
    ['changed scalar', { a: 1 }, { a: 2 }, { a: 2 }],
    ['added key', { a: 1 }, { a: 1, b: 'x' }, { b: 'x' }],
    ['removed key becomes null', { a: 1, b: 2 }, { a: 1 }, { b: null }],
    ['nested change only', { s: { x: 1, y: 2 } }, { s: { x: 1, y: 3 } }, { s: { y: 3 } }],
    ['arrays are replaced whole', { l: [1, 2, 3] }, { l: [1, 3] }, { l: [1, 3] }],
    ['object replaced by scalar', { o: { a: 1 } }, { o: 5 }, { o: 5 }],
    ['undefined counts as absent', { a: 1, b: undefined }, { a: 1 }, undefined],
  ];
  for (const [name, from, to, want] of cases) {
    it(name, () => assert.deepEqual(createMergePatch(from, to), want));
  }

  it('applying the patch (RFC 7386) yields the modified document', () => {
    const apply = (target: unknown, patch: unknown): unknown => {
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
      const out: Record<string, unknown> =
        typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete out[k];
        else out[k] = apply(out[k], v);
      }
      return out;
    };
    const from = {
      metadata: { labels: { a: '1', b: '2' } },
      spec: { replicas: 1, list: ['x'] },
      status: { phase: 'P' },
    };
    const to = { metadata: { labels: { a: '1', c: '3' } }, spec: { replicas: 2, list: [] }, extra: true };
    assert.deepEqual(apply(from, createMergePatch(from, to)), to);
  });
});

describe('createMergePatchWithPreconditions', () => {
  it('carries uid and resourceVersion of the original', () => {
    const original = { metadata: { name: 'x', uid: 'u1', resourceVersion: '42' }, spec: { a: 1 } };
    const patch = createMergePatchWithPreconditions(original, { ...original, spec: { a: 2 } });
    assert.deepEqual(patch, { metadata: { uid: 'u1', resourceVersion: '42' }, spec: { a: 2 } });
  });
  it('is undefined when nothing changed (no write at all)', () => {
    const o = { metadata: { name: 'x', uid: 'u1', resourceVersion: '42' } };
    assert.equal(createMergePatchWithPreconditions(o, structuredClone(o)), undefined);
  });
});

describe('deepEqual', () => {
  it('compares structurally and ignores undefined members', () => {
    assert.ok(deepEqual({ a: [1, { b: 2 }], c: undefined }, { a: [1, { b: 2 }] }));
    assert.ok(!deepEqual({ a: [1, 2] }, { a: [2, 1] }));
    assert.ok(!deepEqual({ a: 1 }, { a: '1' }));
  });
});
