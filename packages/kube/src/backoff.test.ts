import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, sleep } from './backoff.js';

describe('Backoff', () => {
  it('doubles up to the maximum without jitter', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    assert.deepEqual(
      Array.from({ length: 6 }, () => b.next()),
      [100, 200, 400, 800, 1000, 1000],
    );
    b.reset();
    assert.equal(b.next(), 100);
  });
  it('spreads delays within the jitter band', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.5 }, () => 0);
    const high = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.5 }, () => 0.999999);
    assert.equal(low.next(), 750);
    assert.equal(high.next(), 1250);
  });
});

describe('sleep', () => {
  it('returns early when aborted', async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 20);
    await sleep(10_000, ac.signal);
    assert.ok(Date.now() - started < 1000);
  });
});
