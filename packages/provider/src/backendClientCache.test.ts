import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackendClientCache } from './backendClientCache.js';
import type { BackendSettings } from './backendSettings.js';

const settings = (name: string, fingerprint: string): BackendSettings => ({
  providerConfigName: name,
  url: 'http://127.0.0.1:1',
  serviceType: 'servicebroker',
  healthCheckEndpoint: '/instances',
  fingerprint,
});

void describe('BackendClientCache', () => {
  void it('reuses a client while the settings are unchanged and replaces it when they change', async () => {
    const created: string[] = [];
    const disposed: string[] = [];
    const cache = new BackendClientCache(
      (s) => {
        const id = `${s.providerConfigName}@${s.fingerprint}`;
        created.push(id);
        return id;
      },
      (c) => {
        disposed.push(c);
      },
    );
    assert.equal(cache.get(settings('a', '1')), 'a@1');
    assert.equal(cache.get(settings('a', '1')), 'a@1');
    assert.equal(cache.get(settings('b', '1')), 'b@1');
    assert.equal(cache.get(settings('a', '2')), 'a@2');
    assert.deepEqual(created, ['a@1', 'b@1', 'a@2']);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(disposed, ['a@1']);
    await cache.closeAll();
    assert.deepEqual(disposed.sort(), ['a@1', 'a@2', 'b@1']);
    assert.equal(cache.size, 0);
  });
});
