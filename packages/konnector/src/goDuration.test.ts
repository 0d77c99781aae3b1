import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, parseGoDuration } from './goDuration.js';
import { heartbeatDue, nextHeartbeatInMs } from './heartbeatSchedule.js';

describe('Go durations', () => {
  it('formats like metav1.Duration', () => {
    assert.equal(formatGoDuration(300_000), '5m0s');
    assert.equal(formatGoDuration(10_000), '10s');
    assert.equal(formatGoDuration(90_000), '1m30s');
    assert.equal(formatGoDuration(3_723_000), '1h2m3s');
    assert.equal(formatGoDuration(500), '500ms');
    assert.equal(formatGoDuration(0), '0s');
  });
  it('parses what it formats and what people type', () => {
    for (const ms of [300_000, 10_000, 90_000, 3_723_000, 500])
      assert.equal(parseGoDuration(formatGoDuration(ms)), ms);
    assert.equal(parseGoDuration('5m'), 300_000);
    assert.equal(parseGoDuration('1.5s'), 1500);
    assert.equal(parseGoDuration('0'), 0);
    for (const bad of ['', 'five', '5', '5m garbage', '-1s'])
      assert.equal(parseGoDuration(bad), undefined, bad);
  });
});

describe('heartbeat schedule', () => {
  const now = new Date('2025-01-01T00:10:00Z');
  it('is due without a heartbeat, after half the interval, or when in the future', () => {
    assert.ok(heartbeatDue(undefined, now, 300_000));
    assert.ok(heartbeatDue('2025-01-01T00:07:30Z', now, 300_000));
    assert.ok(!heartbeatDue('2025-01-01T00:08:00Z', now, 300_000));
    assert.ok(heartbeatDue('2025-01-01T00:11:00Z', now, 300_000));
    assert.ok(heartbeatDue('garbage', now, 300_000));
  });
  it('waits until the next one is due', () => {
    assert.equal(nextHeartbeatInMs('2025-01-01T00:09:00Z', now, 300_000), 90_000);
    assert.equal(nextHeartbeatInMs('2025-01-01T00:00:00Z', now, 300_000), 100);
  });
});
