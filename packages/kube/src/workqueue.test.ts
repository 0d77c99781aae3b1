import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';

import { ExponentialBackoffRateLimiter, type Clock } from './rateLimiter.js';
import { Workqueue, type WorkqueueMetricsSink, type WorkqueueOptions } from './workqueue.js';

class FakeClock implements Clock {
  constructor(public t = 0) {}
  now(): number {
    return this.t;
  }
}

function newQueue<K = string>(opts: Partial<WorkqueueOptions<K>> = {}): Workqueue<K> {
  return new Workqueue<K>({
    name: 'test',
    // Pure exponential backoff keeps delays predictable (no shared bucket in the way).
    rateLimiter: new ExponentialBackoffRateLimiter<K>({ baseDelayMs: 5, maxDelayMs: 1000 }),
    ...opts,
  });
}

/** Whether `p` has settled, after letting pending callbacks run; setImmediate is never mocked. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await tick();
  return done;
}

/** Awaits `p`, failing instead of hanging if it has not settled by now. */
async function ready<T>(p: Promise<T>): Promise<T> {
  assert.ok(await settled(p), 'expected the promise to have settled already');
  return p;
}

/** Hands out everything currently queued, marking each item done. */
async function drainNow<K>(q: Workqueue<K>): Promise<K[]> {
  const out: K[] = [];
  while (q.len() > 0) {
    const item = await q.get();
    if (item === undefined) break;
    out.push(item);
    q.done(item);
  }
  return out;
}

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

void describe('Workqueue: queueing', { timeout: 10_000 }, () => {
  void test('hands out distinct keys in FIFO order', async () => {
    const q = newQueue();
    for (const k of ['c', 'a', 'b', 'd']) q.add(k);
    assert.equal(q.len(), 4);
    assert.deepEqual(await drainNow(q), ['c', 'a', 'b', 'd']);
    assert.equal(q.len(), 0);
    q.shutDown();
  });

  void test('de-duplicates an item that is already waiting, keeping its place', async () => {
    const q = newQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 2);
    assert.deepEqual(await drainNow(q), ['a', 'b']);
    q.shutDown();
  });

  void test('de-duplicates by keyOf and hands out the first item added', async () => {
    type Req = { ns: string; name: string; tag?: string };
    const q = newQueue<Req>({ keyOf: (r) => `${r.ns}/${r.name}` });
    q.add({ ns: 'x', name: 'a', tag: 'first' });
    q.add({ ns: 'x', name: 'a', tag: 'second' });
    q.add({ ns: 'y', name: 'a' });
    assert.equal(q.len(), 2);
    const got = await drainNow(q);
    assert.deepEqual(
      got.map((r) => r.tag),
      ['first', undefined],
    );
    q.shutDown();
  });

  void test('the default key is String(item)', () => {
    const q = newQueue<{ toString(): string }>();
    q.add({ toString: () => 'same' });
    q.add({ toString: () => 'same' });
    assert.equal(q.len(), 1);
    q.shutDown();
  });

  void test('an item can be added again after it was processed', async () => {
    const q = newQueue();
    q.add('a');
    assert.deepEqual(await drainNow(q), ['a']);
    q.add('a');
    assert.deepEqual(await drainNow(q), ['a']);
    q.shutDown();
  });

  void test('get waits for an item that is added later', async () => {
    const q = newQueue();
    const p = q.get();
    assert.equal(await settled(p), false);
    q.add('late');
    assert.equal(await ready(p), 'late');
    assert.equal(q.len(), 0);
    q.done('late');
    q.shutDown();
  });

  void test('waiting workers are served in the order they asked', async () => {
    const q = newQueue();
    const first = q.get();
    const second = q.get();
    const third = q.get();
    q.add('a');
    q.add('b');
    assert.equal(await ready(first), 'a');
    assert.equal(await ready(second), 'b');
    assert.equal(await settled(third), false);
    q.shutDown();
    assert.equal(await ready(third), undefined);
  });

  void test('done for an item that is not processing is ignored', () => {
    const q = newQueue();
    q.add('a');
    q.done('a');
    q.done('never-added');
    assert.equal(q.len(), 1);
    q.shutDown();
  });
});

void describe('Workqueue: one worker per key', { timeout: 10_000 }, () => {
  void test('an item being processed is not handed to a second worker until done', async () => {
    const q = newQueue();
    q.add('a');
    assert.equal(await ready(q.get()), 'a');
    q.add('a');
    // Marked dirty, not queued: nothing for another worker to take.
    assert.equal(q.len(), 0);
    const second = q.get();
    assert.equal(await settled(second), false);
    q.done('a');
    assert.equal(await ready(second), 'a');
    q.done('a');
    q.shutDown();
  });

  void test('many re-adds while processing queue the item again exactly once', async () => {
    const q = newQueue();
    q.add('a');
    await ready(q.get());
    q.add('a');
    q.add('a');
    q.add('a');
    q.done('a');
    assert.equal(q.len(), 1);
    assert.deepEqual(await drainNow(q), ['a']);
    assert.equal(q.len(), 0);
    q.shutDown();
  });

  void test('a re-queued item goes behind items that were already waiting', async () => {
    const q = newQueue();
    q.add('a');
    await ready(q.get());
    q.add('a');
    q.add('b');
    q.done('a');
    assert.deepEqual(await drainNow(q), ['b', 'a']);
    q.shutDown();
  });

  void test('other keys flow while one key is processing', async () => {
    const q = newQueue();
    q.add('a');
    await ready(q.get());
    q.add('a');
    q.add('b');
    assert.equal(await ready(q.get()), 'b');
    q.done('b');
    q.done('a');
    assert.equal(await ready(q.get()), 'a');
    q.done('a');
    q.shutDown();
  });

  void test('concurrent workers never hold the same key at once and miss no add', async () => {
    const q = newQueue<string>();
    // More workers than keys, so an idle worker is always ready to grab a wrongly queued key.
    const keys = ['a', 'b', 'c'];
    const holding = new Set<string>();
    // Every add bumps the key's version; a worker sees the version current when it got the key.
    // Each add must be followed by a hand-out, so in the end every key was seen at its last version.
    const added = new Map<string, number>();
    const seen = new Map<string, number>();
    let violations = 0;

    const worker = async (): Promise<void> => {
      for (;;) {
        const item = await q.get();
        if (item === undefined) return;
        if (holding.has(item)) violations++;
        holding.add(item);
        seen.set(item, added.get(item) ?? 0);
        // Stay busy across a few turns so that re-adds happen while the key is held.
        for (let i = 0; i < 3; i++) await tick();
        holding.delete(item);
        q.done(item);
      }
    };
    const workers = Array.from({ length: 6 }, () => worker());

    for (let i = 0; i < 300; i++) {
      const k = keys[i % keys.length] ?? 'a';
      added.set(k, (added.get(k) ?? 0) + 1);
      q.add(k);
      if (i % 2 === 0) await tick();
    }
    // Bounded wait so a lost add fails the test instead of hanging it.
    for (let i = 0; i < 1000 && (q.len() > 0 || holding.size > 0); i++) await tick();
    assert.equal(await q.shutDownWithDrain(), true);
    await Promise.all(workers);
    assert.equal(violations, 0);
    assert.deepEqual(seen, added);
  });
});

void describe('Workqueue: delayed and rate-limited adds', { timeout: 10_000 }, () => {
  void test('addAfter queues the item once the delay has passed', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const q = newQueue();
    q.addAfter('a', 100);
    t.mock.timers.tick(99);
    assert.equal(q.len(), 0);
    t.mock.timers.tick(1);
    assert.equal(q.len(), 1);
    q.shutDown();
  });

  void test('a zero or negative delay adds at once', () => {
    const q = newQueue();
    q.addAfter('a', 0);
    q.addAfter('b', -5);
    assert.equal(q.len(), 2);
    q.shutDown();
  });

  void test('an earlier pending addAfter wins over a later one for the same key', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const q = newQueue();
    q.addAfter('a', 100);
    q.addAfter('a', 300);
    t.mock.timers.tick(100);
    assert.equal(q.len(), 1);
    assert.deepEqual(await drainNow(q), ['a']);
    // The 300 ms request was absorbed by the earlier one and must not fire on its own.
    t.mock.timers.tick(500);
    assert.equal(q.len(), 0);
    q.shutDown();
  });

  void test('a sooner addAfter replaces a later pending one', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const q = newQueue();
    q.addAfter('a', 300);
    q.addAfter('a', 50);
    t.mock.timers.tick(50);
    assert.equal(q.len(), 1);
    assert.deepEqual(await drainNow(q), ['a']);
    t.mock.timers.tick(500);
    assert.equal(q.len(), 0);
    q.shutDown();
  });

  void test('delayed items of distinct keys become ready in deadline order', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const q = newQueue();
    q.addAfter('slow', 30);
    q.addAfter('fast', 10);
    q.addAfter('mid', 20);
    t.mock.timers.tick(30);
    assert.deepEqual(await drainNow(q), ['fast', 'mid', 'slow']);
    q.shutDown();
  });

  void test('a delayed add of a waiting item is de-duplicated when it fires', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const q = newQueue();
    q.add('a');
    q.addAfter('a', 10);
    t.mock.timers.tick(10);
    assert.equal(q.len(), 1);
    q.shutDown();
  });

  void test('delays beyond the setTimeout limit are honoured', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const q = newQueue();
    const limit = 2 ** 31 - 1;
    q.addAfter('a', limit + 1000);
    t.mock.timers.tick(limit);
    assert.equal(q.len(), 0);
    t.mock.timers.tick(999);
    assert.equal(q.len(), 0);
    t.mock.timers.tick(1);
    assert.equal(q.len(), 1);
    q.shutDown();
  });

  void test('addAfter with real timers wakes a waiting worker', async () => {
    const q = newQueue();
    const started = performance.now();
    q.addAfter('a', 20);
    assert.equal(await q.get(), 'a');
    assert.ok(performance.now() - started >= 15);
    q.done('a');
    q.shutDown();
  });

  void test('addRateLimited backs off exponentially per item until forget', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const q = newQueue();
    const readyAfter = async (item: string): Promise<number> => {
      q.addRateLimited(item);
      let waited = 0;
      while (q.len() === 0) {
        t.mock.timers.tick(1);
        waited++;
      }
      assert.deepEqual(await drainNow(q), [item]);
      return waited;
    };
    assert.deepEqual([await readyAfter('a'), await readyAfter('a'), await readyAfter('a')], [5, 10, 20]);
    assert.equal(q.numRequeues('a'), 3);
    assert.equal(q.numRequeues('b'), 0);
    assert.equal(await readyAfter('b'), 5);
    q.forget('a');
    assert.equal(q.numRequeues('a'), 0);
    assert.equal(await readyAfter('a'), 5);
    q.shutDown();
  });

  void test('uses the default controller rate limiter when none is given', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const q = new Workqueue<string>({ name: 'default' });
    q.addRateLimited('a');
    q.addRateLimited('a');
    assert.equal(q.numRequeues('a'), 2);
    t.mock.timers.tick(5);
    assert.equal(q.len(), 1);
    q.shutDown();
  });
});

void describe('Workqueue: abort and shutdown', { timeout: 10_000 }, () => {
  void test('an aborted get resolves undefined and does not swallow a later item', async () => {
    const q = newQueue();
    const ac = new AbortController();
    const p = q.get(ac.signal);
    ac.abort();
    assert.equal(await ready(p), undefined);
    q.add('a');
    assert.equal(q.len(), 1);
    assert.equal(await ready(q.get()), 'a');
    q.done('a');
    q.shutDown();
  });

  void test('get with an already aborted signal resolves undefined without taking an item', async () => {
    const q = newQueue();
    q.add('a');
    assert.equal(await q.get(AbortSignal.abort()), undefined);
    assert.equal(q.len(), 1);
    q.shutDown();
  });

  void test('a get served normally detaches from its signal', async () => {
    const q = newQueue();
    const ac = new AbortController();
    const p = q.get(ac.signal);
    q.add('a');
    assert.equal(await ready(p), 'a');
    ac.abort();
    // Aborting afterwards neither re-resolves nor disturbs the processing state.
    q.add('a');
    assert.equal(q.len(), 0);
    q.done('a');
    assert.equal(q.len(), 1);
    q.shutDown();
  });

  void test('shutDown wakes every waiting worker with undefined', async () => {
    const q = newQueue();
    const waiting = [q.get(), q.get(), q.get()];
    assert.equal(q.shuttingDown, false);
    q.shutDown();
    assert.equal(q.shuttingDown, true);
    assert.deepEqual(await ready(Promise.all(waiting)), [undefined, undefined, undefined]);
  });

  void test('shutDown drops queued items and ignores later adds of every kind', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const q = newQueue();
    q.add('queued');
    q.addAfter('delayed', 10);
    q.shutDown();
    assert.equal(q.len(), 0);
    assert.equal(await ready(q.get()), undefined);
    q.add('b');
    q.addAfter('c', 0);
    q.addAfter('d', 10);
    q.addRateLimited('e');
    t.mock.timers.tick(1000);
    assert.equal(q.len(), 0);
    assert.equal(q.numRequeues('e'), 0);
    assert.equal(await ready(q.get()), undefined);
    q.shutDown(); // idempotent
  });

  void test('shutDown clears pending timers so nothing keeps the process alive', () => {
    const before = activeTimeouts();
    const q = newQueue();
    q.addAfter('a', 60_000);
    q.addAfter('b', 120_000);
    q.addRateLimited('c');
    assert.equal(activeTimeouts(), before + 3);
    q.shutDown();
    assert.equal(activeTimeouts(), before);
  });

  void test('an in-flight item re-added before shutdown is not re-queued by done', async () => {
    const q = newQueue();
    q.add('a');
    await ready(q.get());
    q.add('a');
    q.shutDown();
    q.done('a');
    assert.equal(q.len(), 0);
    assert.equal(await ready(q.get()), undefined);
  });

  void test('shutDownWithDrain waits for every in-flight item', async () => {
    const q = newQueue();
    q.add('a');
    q.add('b');
    q.add('c');
    const a = await ready(q.get());
    const b = await ready(q.get());
    assert.deepEqual([a, b], ['a', 'b']);
    const drain = q.shutDownWithDrain();
    assert.equal(q.shuttingDown, true);
    // The queued but never handed out item is dropped, and workers get nothing more.
    assert.equal(await ready(q.get()), undefined);
    q.add('d');
    assert.equal(q.len(), 0);
    q.done('a');
    assert.equal(await settled(drain), false);
    q.done('b');
    assert.equal(await ready(drain), true);
  });

  void test('shutDownWithDrain resolves at once when nothing is in flight', async () => {
    const q = newQueue();
    q.add('a');
    assert.equal(await q.shutDownWithDrain(), true);
  });

  void test('shutDownWithDrain gives up after the timeout', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const q = newQueue();
    q.add('a');
    await ready(q.get());
    const drain = q.shutDownWithDrain(1000);
    t.mock.timers.tick(999);
    assert.equal(await settled(drain), false);
    t.mock.timers.tick(1);
    assert.equal(await ready(drain), false);
    q.done('a');
  });

  void test('the drain timeout is cleared once drained', async () => {
    const before = activeTimeouts();
    const q = newQueue();
    q.add('a');
    await ready(q.get());
    const drain = q.shutDownWithDrain(60_000);
    assert.equal(activeTimeouts(), before + 1);
    q.done('a');
    assert.equal(await ready(drain), true);
    assert.equal(activeTimeouts(), before);
  });

  void test('shutDown cuts a drain in progress short', async () => {
    const q = newQueue();
    q.add('a');
    await ready(q.get());
    const first = q.shutDownWithDrain();
    const second = q.shutDownWithDrain();
    q.shutDown();
    assert.deepEqual(await ready(Promise.all([first, second])), [false, false]);
    q.done('a');
  });
});

void describe('Workqueue: metrics', { timeout: 10_000 }, () => {
  function recorder(): { sink: WorkqueueMetricsSink; calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      sink: {
        add: () => calls.push('add'),
        depth: (n) => calls.push(`depth ${n}`),
        retry: () => calls.push('retry'),
        latency: (s) => calls.push(`latency ${s}`),
        workDuration: (s) => calls.push(`work ${s}`),
      },
    };
  }

  void test('reports adds, depth, queue latency and work duration', async () => {
    const clock = new FakeClock(1000);
    const { sink, calls } = recorder();
    const q = newQueue({ metrics: sink, clock });
    q.add('a');
    q.add('b');
    q.add('a'); // duplicate: no metric
    clock.t += 1500;
    const a = await ready(q.get());
    clock.t += 250;
    q.done(a ?? '');
    assert.deepEqual(calls, ['add', 'depth 1', 'add', 'depth 2', 'depth 1', 'latency 1.5', 'work 0.25']);
    q.shutDown();
    assert.deepEqual(calls.slice(7), ['depth 0']);
  });

  void test('an item handed straight to a waiting worker reports latency but no depth', async () => {
    const clock = new FakeClock();
    const { sink, calls } = recorder();
    const q = newQueue({ metrics: sink, clock });
    const p = q.get();
    q.add('a');
    assert.equal(await ready(p), 'a');
    assert.deepEqual(calls, ['add', 'latency 0']);
    q.shutDown();
  });

  void test('a re-add while processing counts as an add and measures latency from the re-add', async () => {
    const clock = new FakeClock();
    const { sink, calls } = recorder();
    const q = newQueue({ metrics: sink, clock });
    q.add('a');
    await ready(q.get());
    clock.t = 1000;
    q.add('a');
    q.add('a');
    clock.t = 3000;
    q.done('a');
    clock.t = 7000;
    await ready(q.get());
    assert.deepEqual(calls, [
      'add',
      'depth 1',
      'depth 0',
      'latency 0',
      'add',
      'work 3',
      'depth 1',
      'depth 0',
      'latency 6',
    ]);
    q.shutDown();
  });

  void test('delayed and rate-limited adds report a retry', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { sink, calls } = recorder();
    const q = newQueue({ metrics: sink, clock: new FakeClock() });
    q.addAfter('a', 10);
    q.addRateLimited('b');
    assert.deepEqual(calls, ['retry', 'retry']);
    t.mock.timers.tick(10);
    assert.deepEqual(calls.slice(2), ['add', 'depth 1', 'add', 'depth 2']);
    q.shutDown();
  });
});
