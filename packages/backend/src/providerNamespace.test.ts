import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identityAnnotations, identityOf } from './providerNamespace.js';

describe('provider namespace identity', () => {
  it('writes the identity under the klutch key and the Go backend key', () => {
    assert.deepEqual(identityAnnotations('alice#abc123'), {
      'klutch.anynines.com/identity': 'alice#abc123',
      'example-backend.klutch.anynines.com/identity': 'alice#abc123',
    });
  });

  it('reads the identity from either key, preferring the klutch key', () => {
    const ns = (annotations?: Record<string, string>) => ({ metadata: { name: 'n', annotations } });
    assert.equal(identityOf(ns({ 'klutch.anynines.com/identity': 'a#1' })), 'a#1');
    assert.equal(identityOf(ns({ 'example-backend.klutch.anynines.com/identity': 'go#1' })), 'go#1');
    assert.equal(identityOf(ns(identityAnnotations('both#1'))), 'both#1');
    assert.equal(identityOf(ns({ other: 'x' })), undefined);
    assert.equal(identityOf(ns()), undefined);
  });
});
