import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetryGate } from './retryGate.js';

void describe('RetryGate', () => {
  void it('lets a fresh key go and backs off exponentially after failures', () => {
    let now = 0;
    const gate = new RetryGate({ initialMs: 100, maxMs: 1_000, now: () => now });
    assert.equal(gate.waitMs('a'), 0);
    assert.equal(gate.failed('a'), 100);
    assert.equal(gate.waitMs('a'), 100);
    now = 60;
    assert.equal(gate.waitMs('a'), 40);
    assert.equal(gate.failed('a'), 200);
    assert.equal(gate.failed('a'), 400);
    assert.equal(gate.failed('a'), 800);
    assert.equal(gate.failed('a'), 1_000);
    assert.equal(gate.attempts('a'), 5);
    assert.equal(gate.waitMs('b'), 0);
  });

  void it('forgets a key after success', () => {
    let now = 0;
    const gate = new RetryGate({ initialMs: 100, now: () => now });
    gate.failed('a');
    gate.succeeded('a');
    assert.equal(gate.waitMs('a'), 0);
    assert.equal(gate.failed('a'), 100);
    now = 500;
    assert.equal(gate.waitMs('a'), 0);
  });
});
