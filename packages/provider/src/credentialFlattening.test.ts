import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flattenCredentials } from './credentialFlattening.js';

void describe('flattenCredentials', () => {
  void it('keeps top-level scalars as strings', () => {
    assert.deepEqual(
      flattenCredentials({ host: 'db.local', port: 5432, ssl: false, uri: 'postgres://u:p@db.local:5432/d' }),
      { host: 'db.local', port: '5432', ssl: 'false', uri: 'postgres://u:p@db.local:5432/d' },
    );
  });

  void it('joins nested keys with dots', () => {
    assert.deepEqual(flattenCredentials({ uri: 'x', tls: { ca: 'PEM', client: { cert: 'C' } } }), {
      uri: 'x',
      'tls.ca': 'PEM',
      'tls.client.cert': 'C',
    });
  });

  void it('JSON-encodes arrays', () => {
    assert.deepEqual(flattenCredentials({ hosts: ['a:1', 'b:2'], ports: [1, 2], objs: [{ a: 1 }] }), {
      hosts: '["a:1","b:2"]',
      ports: '[1,2]',
      objs: '[{"a":1}]',
    });
  });

  void it('drops nulls and empty objects', () => {
    assert.deepEqual(flattenCredentials({ a: null, b: {}, c: 'x' }), { c: 'x' });
  });

  void it('replaces characters Secret keys cannot hold', () => {
    assert.deepEqual(flattenCredentials({ 'a b': '1', nested: { 'x/y': '2' } }), {
      a_b: '1',
      'nested.x_y': '2',
    });
  });
});
