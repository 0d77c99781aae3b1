import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heartbeatHealth } from './heartbeatHealth.js';

const now = new Date('2025-01-01T12:00:00Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();

describe('heartbeatHealth', () => {
  it('waits for the first heartbeat and for an interval', () => {
    assert.equal(heartbeatHealth(undefined, now).condition.reason, 'FirstHeartbeatPending');
    assert.equal(
      heartbeatHealth({ lastHeartbeatTime: 'garbage' }, now).condition.reason,
      'FirstHeartbeatPending',
    );
    const missing = heartbeatHealth({ lastHeartbeatTime: at(0) }, now);
    assert.equal(missing.condition.reason, 'HeartbeatIntervalMissing');
    assert.equal(missing.condition.severity, 'Info');
    assert.equal(
      heartbeatHealth({ lastHeartbeatTime: at(0), heartbeatInterval: '0s' }, now).condition.reason,
      'HeartbeatIntervalMissing',
    );
  });

  it('is healthy right after a heartbeat (the reference flagged drift here) and schedules the timeout check', () => {
    const h = heartbeatHealth({ lastHeartbeatTime: at(-1000), heartbeatInterval: '5m0s' }, now);
    assert.equal(h.condition.status, 'True');
    assert.equal(h.recheckAfterMs, 600_000 - 1000 + 1000);
    assert.equal(
      heartbeatHealth({ lastHeartbeatTime: at(5_000), heartbeatInterval: '5m0s' }, now).condition.status,
      'True',
    );
  });

  it('times out after twice the interval', () => {
    const h = heartbeatHealth({ lastHeartbeatTime: at(-600_001), heartbeatInterval: '5m0s' }, now);
    assert.equal(h.condition.reason, 'HeartbeatTimeout');
    assert.equal(h.condition.severity, 'Error');
    assert.equal(h.recheckAfterMs, undefined);
    assert.equal(
      heartbeatHealth({ lastHeartbeatTime: at(-600_000), heartbeatInterval: '5m0s' }, now).condition.status,
      'True',
    );
  });

  it('warns about drift only for heartbeats more than the tolerance in the future', () => {
    const h = heartbeatHealth({ lastHeartbeatTime: at(30_000), heartbeatInterval: '5m0s' }, now);
    assert.equal(h.condition.reason, 'HeartbeatTimeDrift');
    assert.equal(h.condition.severity, 'Warning');
    assert.equal(h.recheckAfterMs, 21_000);
    assert.equal(
      heartbeatHealth({ lastHeartbeatTime: at(30_000), heartbeatInterval: '5m0s' }, now, {
        maxClockDriftMs: 60_000,
      }).condition.status,
      'True',
    );
  });
});
