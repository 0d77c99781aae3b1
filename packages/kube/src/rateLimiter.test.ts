import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  ExponentialBackoffRateLimiter,
  MaxOfRateLimiter,
  TokenBucketRateLimiter,
  defaultControllerRateLimiter,
  type Clock,
  type RateLimiter,
} from './rateLimiter.js';

class FakeClock implements Clock {
  constructor(public t = 0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

function delays<K>(limiter: RateLimiter<K>, item: K, n: number): number[] {
  return Array.from({ length: n }, () => limiter.when(item));
}

void describe('ExponentialBackoffRateLimiter', () => {
  void test('doubles from the base delay per failure', () => {
    const l = new ExponentialBackoffRateLimiter<string>();
    assert.deepEqual(delays(l, 'a', 6), [5, 10, 20, 40, 80, 160]);
    assert.equal(l.retries('a'), 6);
  });

  void test('caps at the maximum delay and keeps counting failures', () => {
    const l = new ExponentialBackoffRateLimiter<string>({ baseDelayMs: 1, maxDelayMs: 10 });
    assert.deepEqual(delays(l, 'a', 6), [1, 2, 4, 8, 10, 10]);
    assert.equal(l.retries('a'), 6);
  });

  void test('default ceiling is 1000 seconds', () => {
    const l = new ExponentialBackoffRateLimiter<string>();
    const all = delays(l, 'a', 40);
    assert.equal(all.at(-1), 1_000_000);
    assert.ok(all.every((d) => d <= 1_000_000));
  });

  void test('very many failures stay at the ceiling instead of overflowing', () => {
    const l = new ExponentialBackoffRateLimiter<string>({ baseDelayMs: 5, maxDelayMs: 1000 });
    const all = delays(l, 'a', 2000);
    assert.equal(all.at(-1), 1000);
    assert.ok(all.every((d) => Number.isFinite(d)));
  });

  void test('a zero base delay never waits, even after overflow of 2^n', () => {
    const l = new ExponentialBackoffRateLimiter<string>({ baseDelayMs: 0, maxDelayMs: 1000 });
    assert.ok(delays(l, 'a', 1100).every((d) => d === 0));
  });

  void test('items are tracked independently', () => {
    const l = new ExponentialBackoffRateLimiter<string>();
    l.when('a');
    l.when('a');
    assert.equal(l.when('b'), 5);
    assert.equal(l.when('a'), 20);
    assert.equal(l.retries('a'), 3);
    assert.equal(l.retries('b'), 1);
    assert.equal(l.retries('never'), 0);
  });

  void test('forget resets the backoff of one item only', () => {
    const l = new ExponentialBackoffRateLimiter<string>();
    delays(l, 'a', 3);
    delays(l, 'b', 3);
    l.forget('a');
    assert.equal(l.retries('a'), 0);
    assert.equal(l.when('a'), 5);
    assert.equal(l.when('b'), 40);
  });

  void test('items are keyed by String(item) by default and by keyOf when given', () => {
    const byString = new ExponentialBackoffRateLimiter<{ toString(): string }>();
    byString.when({ toString: () => 'ns/x' });
    assert.equal(byString.retries({ toString: () => 'ns/x' }), 1);

    type Req = { namespace: string; name: string };
    const byKey = new ExponentialBackoffRateLimiter<Req>({ keyOf: (r) => `${r.namespace}/${r.name}` });
    byKey.when({ namespace: 'a', name: 'b' });
    assert.equal(byKey.when({ namespace: 'a', name: 'b' }), 10);
    assert.equal(byKey.retries({ namespace: 'a', name: 'c' }), 0);
  });

  void test('jitter spreads the delay by up to +/- the fraction', () => {
    const table: { random: number; want: number }[] = [
      { random: 0, want: 80 }, // -20 %
      { random: 0.5, want: 100 },
      { random: 0.75, want: 110 },
    ];
    for (const { random, want } of table) {
      const l = new ExponentialBackoffRateLimiter<string>({
        baseDelayMs: 100,
        jitter: 0.2,
        random: () => random,
      });
      assert.ok(Math.abs(l.when('a') - want) < 1e-9, `random=${random}`);
    }
  });

  void test('jitter never exceeds the ceiling', () => {
    const l = new ExponentialBackoffRateLimiter<string>({
      baseDelayMs: 100,
      maxDelayMs: 100,
      jitter: 0.5,
      random: () => 0.999,
    });
    assert.equal(l.when('a'), 100);
  });

  void test('jitter with real randomness stays in range', () => {
    const l = new ExponentialBackoffRateLimiter<string>({ baseDelayMs: 1000, jitter: 0.1 });
    for (let i = 0; i < 200; i++) {
      l.forget('a');
      const d = l.when('a');
      assert.ok(d >= 900 && d <= 1100, `delay ${d}`);
    }
  });

  void test('rejects invalid options', () => {
    assert.throws(() => new ExponentialBackoffRateLimiter({ baseDelayMs: -1 }), RangeError);
    assert.throws(() => new ExponentialBackoffRateLimiter({ maxDelayMs: Number.NaN }), RangeError);
    assert.throws(() => new ExponentialBackoffRateLimiter({ jitter: 1.5 }), RangeError);
    assert.throws(() => new ExponentialBackoffRateLimiter({ jitter: -0.1 }), RangeError);
  });
});

void describe('TokenBucketRateLimiter', () => {
  void test('lets a burst through, then spaces items at 1/qps', () => {
    const clock = new FakeClock();
    const l = new TokenBucketRateLimiter<string>({ qps: 10, burst: 3, clock });
    // Reservations stack: each caller waits behind the previous one.
    assert.deepEqual(delays(l, 'x', 6), [0, 0, 0, 100, 200, 300]);
  });

  void test('refills over time up to the burst size', () => {
    const clock = new FakeClock();
    const l = new TokenBucketRateLimiter<string>({ qps: 10, burst: 2, clock });
    assert.deepEqual(delays(l, 'x', 2), [0, 0]);
    clock.advance(100);
    assert.equal(l.when('x'), 0);
    assert.equal(l.when('x'), 100);
    // A long pause fills the bucket, but no further than the burst.
    clock.advance(60_000);
    assert.deepEqual(delays(l, 'x', 3), [0, 0, 100]);
  });

  void test('the bucket is shared by all items and forget does not refund', () => {
    const clock = new FakeClock();
    const l = new TokenBucketRateLimiter<string>({ qps: 1, burst: 1, clock });
    assert.equal(l.when('a'), 0);
    l.forget('a');
    assert.equal(l.when('b'), 1000);
    assert.equal(l.retries('a'), 0);
    assert.equal(l.retries('b'), 0);
  });

  void test('defaults to 10 qps and a burst of 100', () => {
    const clock = new FakeClock();
    const l = new TokenBucketRateLimiter<number>({ clock });
    const all = delays(l, 1, 101);
    assert.ok(all.slice(0, 100).every((d) => d === 0));
    assert.equal(all[100], 100);
  });

  void test('a clock stepping backwards does not mint tokens', () => {
    const clock = new FakeClock(10_000);
    const l = new TokenBucketRateLimiter<string>({ qps: 10, burst: 1, clock });
    assert.equal(l.when('x'), 0);
    clock.t = 0;
    assert.equal(l.when('x'), 100);
  });

  void test('infinite qps never delays', () => {
    const l = new TokenBucketRateLimiter<string>({ qps: Infinity, burst: 1 });
    assert.ok(delays(l, 'x', 10).every((d) => d === 0));
  });

  void test('rejects invalid options', () => {
    assert.throws(() => new TokenBucketRateLimiter({ qps: 0 }), RangeError);
    assert.throws(() => new TokenBucketRateLimiter({ burst: 0 }), RangeError);
    assert.throws(() => new TokenBucketRateLimiter({ burst: 1.5 }), RangeError);
  });
});

void describe('MaxOfRateLimiter', () => {
  void test('returns the longest delay and feeds every limiter', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucketRateLimiter<string>({ qps: 10, burst: 2, clock });
    const expo = new ExponentialBackoffRateLimiter<string>({ baseDelayMs: 50 });
    const l = new MaxOfRateLimiter(expo, bucket);
    // expo: 50, 100, 200; bucket: 0, 0, 100
    assert.deepEqual(delays(l, 'a', 3), [50, 100, 200]);
    // expo for a fresh item: 50; bucket already owes a token: 200
    assert.equal(l.when('b'), 200);
  });

  void test('retries is the maximum and forget reaches every limiter', () => {
    const a = new ExponentialBackoffRateLimiter<string>();
    const b = new ExponentialBackoffRateLimiter<string>();
    const l = new MaxOfRateLimiter(a, b);
    b.when('x');
    l.when('x');
    assert.equal(l.retries('x'), 2);
    l.forget('x');
    assert.equal(a.retries('x'), 0);
    assert.equal(b.retries('x'), 0);
    assert.equal(l.retries('x'), 0);
  });

  void test('needs at least one limiter', () => {
    assert.throws(() => new MaxOfRateLimiter(), RangeError);
  });
});

void describe('defaultControllerRateLimiter', () => {
  void test('backs off per item from 5 ms up to 1000 s', () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter<string>({ clock });
    // Spread the calls over time so that the bucket never becomes the limiting factor.
    const got: number[] = [];
    for (let i = 0; i < 30; i++) {
      got.push(l.when('a'));
      clock.advance(1000);
    }
    assert.deepEqual(got.slice(0, 4), [5, 10, 20, 40]);
    assert.equal(got.at(-1), 1_000_000);
    assert.equal(l.retries('a'), 30);
    l.forget('a');
    assert.equal(l.when('a'), 5);
  });

  void test('limits all items together to 10 qps after a burst of 100', () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter<string>({ clock });
    for (let i = 0; i < 100; i++) assert.equal(l.when(`item-${i}`), 5);
    assert.equal(l.when('item-100'), 100);
    assert.equal(l.when('item-101'), 200);
  });

  void test('works with the system clock', () => {
    const l = defaultControllerRateLimiter<string>();
    assert.equal(l.when('a'), 5);
  });
});
