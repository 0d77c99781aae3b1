import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedJobQueue } from './keyedJobQueue.js';

function gate() {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open: () => open(), wait };
}

describe('KeyedJobQueue', () => {
  it('runs jobs of one key one after the other and of different keys in parallel, up to the limit', async () => {
    const queue = new KeyedJobQueue(2, () => undefined);
    const log: string[] = [];
    const gates = { a1: gate(), a2: gate(), b1: gate(), c1: gate() };
    const job = (key: string, id: keyof typeof gates) => ({
      key,
      id,
      run: async () => {
        log.push(`start ${id}`);
        await gates[id].wait;
        log.push(`end ${id}`);
      },
    });
    queue.enqueue(job('a', 'a1'));
    queue.enqueue(job('a', 'a2'));
    queue.enqueue(job('b', 'b1'));
    queue.enqueue(job('c', 'c1'));
    await Promise.resolve();
    assert.deepEqual(log, ['start a1', 'start b1']);
    gates.a1.open();
    await new Promise((r) => setImmediate(r));
    // a2 was first in line and its key is free now.
    assert.deepEqual(log.slice(2), ['end a1', 'start a2']);
    gates.b1.open();
    await new Promise((r) => setImmediate(r));
    assert.ok(log.includes('start c1'));
    gates.a2.open();
    gates.c1.open();
    await queue.whenIdle('a');
    await queue.whenIdle('c');
    assert.equal(queue.isBusy('a'), false);
    await queue.stop();
  });

  it('cancels queued jobs of a key and reports errors that escape a job', async () => {
    const errors: string[] = [];
    const queue = new KeyedJobQueue(1, (job, err) => errors.push(`${job.id}: ${(err as Error).message}`));
    const g = gate();
    queue.enqueue({ key: 'x', id: '1', run: () => g.wait });
    queue.enqueue({ key: 'y', id: '2', run: () => Promise.resolve() });
    queue.enqueue({ key: 'x', id: '3', run: () => Promise.reject(new Error('boom')) });
    assert.deepEqual(queue.cancelQueued('y'), ['2']);
    g.open();
    await queue.whenIdle('x');
    assert.deepEqual(errors, ['3: boom']);
    await queue.stop();
  });

  it('aborts running jobs on stop and waits for them', async () => {
    const queue = new KeyedJobQueue(1, () => undefined);
    let sawAbort = false;
    queue.enqueue({
      key: 'k',
      id: '1',
      run: (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            resolve();
          });
        }),
    });
    queue.enqueue({ key: 'k', id: '2', run: () => Promise.reject(new Error('must not run')) });
    await queue.stop();
    assert.equal(sawAbort, true);
    queue.enqueue({ key: 'k', id: '3', run: () => Promise.reject(new Error('must not run')) });
    assert.equal(queue.isBusy('k'), false);
  });
});
