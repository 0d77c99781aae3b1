import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OperationPollSchedule } from './operationPollSchedule.js';

describe('OperationPollSchedule', () => {
  it('starts fast and doubles up to the maximum', () => {
    const s = new OperationPollSchedule({ firstMs: 100, maxMs: 1000 });
    assert.deepEqual(
      Array.from({ length: 6 }, () => s.next('a')),
      [100, 200, 400, 800, 1000, 1000],
    );
  });
  it('honours Retry-After and keeps resources apart', () => {
    const s = new OperationPollSchedule({ firstMs: 100, maxMs: 10_000 });
    assert.equal(s.next('a', 3000), 3000);
    assert.equal(s.next('b'), 100);
    assert.equal(s.next('a'), 200);
  });
  it('starts over for a key that was not polled for a while', () => {
    let t = 0;
    const s = new OperationPollSchedule({ firstMs: 100, maxMs: 1000 }, () => t);
    s.next('a');
    s.next('a');
    t = 5000;
    assert.equal(s.next('a'), 100);
    t = 20_000;
    s.prune();
    t = 20_001;
    assert.equal(s.next('a'), 100);
  });

  it('starts over once the operation is done', () => {
    const s = new OperationPollSchedule({ firstMs: 100, maxMs: 10_000 });
    s.next('a');
    s.next('a');
    s.done('a');
    assert.equal(s.next('a'), 100);
  });
});
