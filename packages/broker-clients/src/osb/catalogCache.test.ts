import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CatalogCache } from './catalogCache.js';

function counter() {
  let calls = 0;
  return {
    fetch: async () => {
      calls++;
      await new Promise((r) => setImmediate(r));
      return calls;
    },
    get calls() {
      return calls;
    },
  };
}

describe('CatalogCache', () => {
  it('reuses a value within the TTL and fetches again after it', async () => {
    let now = 1000;
    const cache = new CatalogCache<number>(15_000, () => now);
    const c = counter();
    assert.equal(await cache.get(c.fetch), 1);
    now += 14_999;
    assert.equal(await cache.get(c.fetch), 1);
    now += 1;
    assert.equal(await cache.get(c.fetch), 2);
  });

  it('shares one fetch among concurrent callers, even with TTL 0', async () => {
    const cache = new CatalogCache<number>(0);
    const c = counter();
    const values = await Promise.all([cache.get(c.fetch), cache.get(c.fetch), cache.get(c.fetch)]);
    assert.deepEqual(values, [1, 1, 1]);
    assert.equal(await cache.get(c.fetch), 2, 'TTL 0 keeps nothing');
  });

  it('does not keep failures', async () => {
    const cache = new CatalogCache<number>(60_000);
    await assert.rejects(
      cache.get(() => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await cache.get(() => Promise.resolve(7)), 7);
  });

  it('lets one caller stop waiting without failing the others', async () => {
    const cache = new CatalogCache<number>(60_000);
    let release: (v: number) => void = () => undefined;
    const slow = () => new Promise<number>((r) => (release = r));
    const ac = new AbortController();
    const first = cache.get(slow, ac.signal);
    const second = cache.get(slow);
    ac.abort(new Error('caller gave up'));
    await assert.rejects(first, /caller gave up/);
    release(3);
    assert.equal(await second, 3);
  });

  it('invalidate forgets the value', async () => {
    const cache = new CatalogCache<number>(60_000);
    const c = counter();
    await cache.get(c.fetch);
    cache.invalidate();
    assert.equal(await cache.get(c.fetch), 2);
  });

  it('rejects a negative TTL', () => {
    assert.throws(() => new CatalogCache(-1), RangeError);
  });
});
