import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OperationPollSchedule } from './operationPollSchedule.js';

/** Polls as a reconciler would: wait the returned delay, poll again. */
function delays(s: OperationPollSchedule, clock: { t: number }, key: string, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const d = s.next(key);
    out.push(d);
    clock.t += d;
  }
  return out;
}

describe('OperationPollSchedule', () => {
  it('polls fast at first, then at a quarter of the operation age, up to the maximum', () => {
    const clock = { t: 0 };
    const s = new OperationPollSchedule({ firstMs: 50, maxMs: 1000 }, () => clock.t);
    const d = delays(s, clock, 'a', 30);
    assert.deepEqual(d.slice(0, 5), [50, 50, 50, 50, 50]);
    assert.equal(d[5], 63); // 250 ms old
    for (let i = 1; i < d.length; i++) assert.ok(d[i]! >= d[i - 1]!, 'never shrinks');
    assert.equal(d.at(-1), 1000);
  });

  it('notices a finished operation within about a quarter of its duration', () => {
    for (const durationMs of [120, 350, 900, 4000, 20_000]) {
      const clock = { t: 0 };
      const s = new OperationPollSchedule({ firstMs: 50, maxMs: 10_000 }, () => clock.t);
      while (clock.t < durationMs) clock.t += s.next('op');
      const late = clock.t - durationMs;
      assert.ok(
        late <= Math.max(50, durationMs / 4 + 1),
        `${durationMs} ms operation noticed ${late} ms late`,
      );
    }
  });

  it('needs few polls for a long operation', () => {
    const clock = { t: 0 };
    const s = new OperationPollSchedule({ firstMs: 50, maxMs: 10_000 }, () => clock.t);
    let polls = 0;
    while (clock.t < 60_000) {
      clock.t += s.next('long');
      polls++;
    }
    assert.ok(polls < 40, `${polls} polls for one minute`);
  });

  it('honours Retry-After and keeps resources apart', () => {
    const clock = { t: 0 };
    const s = new OperationPollSchedule({ firstMs: 50, maxMs: 10_000 }, () => clock.t);
    assert.equal(s.next('a', 3000), 3000);
    assert.equal(s.next('b'), 50);
  });

  it('starts over for a key not polled for a while, or once done', () => {
    const clock = { t: 0 };
    const s = new OperationPollSchedule({ firstMs: 50, maxMs: 1000 }, () => clock.t);
    delays(s, clock, 'a', 20);
    clock.t += 5000;
    assert.equal(s.next('a'), 50);
    delays(s, clock, 'a', 20);
    s.done('a');
    assert.equal(s.next('a'), 50);
    clock.t += 20_000;
    s.prune();
    assert.equal(s.next('a'), 50);
  });
});
