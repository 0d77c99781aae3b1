import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from './kubeObject.js';
import { MutationCache } from './mutationCache.js';

const obj = (rv: string, uid = 'u1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'a', namespace: 'ns', uid, resourceVersion: rv },
});

describe('MutationCache', () => {
  it('answers with the own write until the cache shows it', () => {
    const m = new MutationCache();
    m.record('ns/a', obj('10'));
    assert.equal(m.get('ns/a', undefined)?.metadata.resourceVersion, '10');
    assert.equal(m.get('ns/a', obj('9'))?.metadata.resourceVersion, '10');
    assert.ok(m.pending('ns/a'));
    assert.equal(m.get('ns/a', obj('10'))?.metadata.resourceVersion, '10');
    assert.equal(m.pending('ns/a'), false);
    assert.equal(m.get('ns/a', undefined), undefined);
  });

  it('lets a newer cached state win, compared as numbers', () => {
    const m = new MutationCache();
    m.record('ns/a', obj('99'));
    assert.equal(m.get('ns/a', obj('100'))?.metadata.resourceVersion, '100');
    assert.equal(m.size, 0);
  });

  it('an observed event at least as new as the write ends it, a deletion included', () => {
    const m = new MutationCache();
    m.record('ns/a', obj('10'));
    m.observed('ns/a', obj('9'));
    assert.ok(m.pending('ns/a'));
    m.observed('ns/a', obj('11'));
    assert.equal(m.get('ns/a', undefined), undefined);
  });

  it('forgets a write the cache never shows after the TTL', () => {
    let now = 0;
    const m = new MutationCache({ ttlMs: 1000, now: () => now });
    m.record('ns/a', obj('10'));
    now = 999;
    assert.ok(m.get('ns/a', undefined));
    now = 1001;
    assert.equal(m.get('ns/a', undefined), undefined);
    assert.equal(m.size, 0);
  });

  it('lets the cache win when resourceVersions are not numbers', () => {
    const m = new MutationCache();
    m.record('ns/a', obj('b'));
    assert.equal(m.get('ns/a', obj('a'))?.metadata.resourceVersion, 'a');
  });
});
