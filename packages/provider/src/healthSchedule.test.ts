import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backendHealth, healthTransitionEvent, nextHealthCheckInMs } from './healthSchedule.js';

const intervals = { healthyMs: 180_000, unhealthyMs: 30_000 };
const now = new Date('2030-01-01T00:10:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

void describe('nextHealthCheckInMs', () => {
  void it('checks a new config at once', () => {
    assert.equal(nextHealthCheckInMs(undefined, now, intervals), 0);
    assert.equal(nextHealthCheckInMs({ lastCheckTime: null }, now, intervals), 0);
  });

  void it('re-checks a healthy config after the healthy interval only', () => {
    assert.equal(
      nextHealthCheckInMs({ lastCheckTime: ago(90_000), lastStatus: true }, now, intervals),
      90_000,
    );
    assert.equal(nextHealthCheckInMs({ lastCheckTime: ago(270_000), lastStatus: true }, now, intervals), 0);
  });

  void it('re-checks an unhealthy config after the unhealthy interval', () => {
    assert.equal(
      nextHealthCheckInMs({ lastCheckTime: ago(15_000), lastStatus: false }, now, intervals),
      15_000,
    );
    assert.equal(nextHealthCheckInMs({ lastCheckTime: ago(45_000), lastStatus: false }, now, intervals), 0);
  });
});

void describe('healthTransitionEvent', () => {
  void it('reports the first check', () => {
    assert.equal(healthTransitionEvent(undefined, true, 'Available')?.reason, 'CheckSuccess');
    assert.deepEqual(healthTransitionEvent({}, false, 'boom'), {
      type: 'Warning',
      reason: 'CheckFailure',
      message: 'Health check failed: boom',
    });
  });

  void it('reports transitions only', () => {
    const healthy = { lastCheckTime: ago(1), lastStatus: true };
    const unhealthy = { lastCheckTime: ago(1), lastStatus: false };
    assert.equal(healthTransitionEvent(healthy, true, 'Available'), undefined);
    assert.equal(healthTransitionEvent(unhealthy, false, 'x'), undefined);
    assert.equal(healthTransitionEvent(healthy, false, 'x')?.reason, 'CheckFailure');
    assert.equal(healthTransitionEvent(unhealthy, true, 'Available')?.reason, 'CheckSuccess');
  });
});

void describe('backendHealth', () => {
  void it('is empty without configs', () => {
    assert.deepEqual(backendHealth([]), {});
  });

  void it('reports ok, degraded and never-checked configs', () => {
    assert.deepEqual(
      backendHealth([
        { metadata: { name: 'b' }, status: { health: { lastCheckTime: ago(1), lastStatus: false } } },
        { metadata: { name: 'a' }, status: { health: { lastCheckTime: ago(1), lastStatus: true } } },
        { metadata: { name: 'c' } },
      ]),
      { a: 'ok', b: 'degraded', c: 'ok' },
    );
  });
});
