import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base62, canonicalJson, specHash } from './specHash.js';

describe('specHash', () => {
  it('does not depend on key order or undefined members', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: undefined } }),
      '{"a":{"d":[1,{"x":2,"y":1}]},"b":1}',
    );
    assert.equal(specHash({ a: 1, b: [2] }), specHash({ b: [2], a: 1 }));
    assert.notEqual(specHash({ a: 1 }), specHash({ a: 2 }));
    assert.match(specHash({}), /^[0-9A-Za-z]+$/);
  });

  it('encodes big-endian numbers in base 62', () => {
    assert.equal(base62(new Uint8Array([0])), '0');
    assert.equal(base62(new Uint8Array([61])), 'z');
    assert.equal(base62(new Uint8Array([62])), '10');
    assert.equal(base62(new Uint8Array([1, 0])), '48');
  });
});
