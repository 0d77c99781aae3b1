import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attemptTimeoutMs,
  decideAfterAttempt,
  defaultLeaseTiming,
  leadershipDeadline,
  leaseExpired,
  leaseTimingProblem,
} from './leaseTiming.js';

const t = defaultLeaseTiming;

describe('leaseTimingProblem', () => {
  it("accepts client-go's defaults", () => {
    assert.equal(leaseTimingProblem(t), undefined);
  });
  it('refuses a renew deadline that is not shorter than the lease', () => {
    assert.match(
      leaseTimingProblem({ ...t, renewDeadlineMs: t.leaseDurationMs }) ?? '',
      /renewDeadline .* must be shorter than leaseDuration/,
    );
  });
  it('refuses a retry period that leaves no retry before the deadline', () => {
    assert.match(
      leaseTimingProblem({ ...t, retryPeriodMs: 9000 }) ?? '',
      /must be longer than 1.2 × retryPeriod/,
    );
  });
  it('refuses zero, negative and non-numeric durations', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      assert.match(
        leaseTimingProblem({ ...t, leaseDurationMs: bad }) ?? '',
        /leaseDurationMs must be a positive/,
      );
  });
});

describe('leadership deadlines', () => {
  it('count from the start of the attempt, not from its answer', () => {
    assert.equal(leadershipDeadline(1000, t), 11_000);
  });
  it('always leave leaseDuration − renewDeadline before anyone else may take the lease', () => {
    // The other candidate saw the record at the earliest when the attempt started.
    const started = 5000;
    const othersMayTakeOverAt = started + t.leaseDurationMs;
    assert.equal(othersMayTakeOverAt - leadershipDeadline(started, t), t.leaseDurationMs - t.renewDeadlineMs);
  });
  it('cut attempts off at the deadline', () => {
    assert.equal(attemptTimeoutMs(4000, 11_000), 7000);
    assert.equal(attemptTimeoutMs(12_000, 11_000), 0);
  });
  it('judge expiry by the local time the record was last seen to change', () => {
    assert.equal(leaseExpired(1000, 15_000, 15_999), false);
    assert.equal(leaseExpired(1000, 15_000, 16_000), true);
  });
});

describe('decideAfterAttempt', () => {
  const deadline = 11_000;
  it('extends leadership after a renewal answered in time', () => {
    assert.deepEqual(
      decideAfterAttempt(
        { startedAt: 3000, finishedAt: 3050, renewed: true, holder: 'me' },
        'me',
        deadline,
        t,
      ),
      { kind: 'lead', deadline: 13_000 },
    );
  });
  it('stops when a renewal is answered after its own deadline', () => {
    const d = decideAfterAttempt(
      { startedAt: 3000, finishedAt: 13_000, renewed: true, holder: 'me' },
      'me',
      deadline,
      t,
    );
    assert.equal(d.kind, 'stop');
  });
  it('keeps the old deadline after a failed attempt that is not yet past it', () => {
    assert.deepEqual(
      decideAfterAttempt(
        { startedAt: 3000, finishedAt: 3100, renewed: false, holder: 'me' },
        'me',
        deadline,
        t,
      ),
      { kind: 'lead', deadline },
    );
  });
  it('stops at once when someone else holds the lease', () => {
    assert.deepEqual(
      decideAfterAttempt(
        { startedAt: 3000, finishedAt: 3100, renewed: false, holder: 'other' },
        'me',
        deadline,
        t,
      ),
      { kind: 'stop', reason: 'the lease is held by other' },
    );
  });
  it('stops when the deadline has passed without a renewal', () => {
    const d = decideAfterAttempt(
      { startedAt: 9000, finishedAt: 11_000, renewed: false, holder: 'me' },
      'me',
      deadline,
      t,
    );
    assert.equal(d.kind, 'stop');
    assert.match(d.kind === 'stop' ? d.reason : '', /not renewed within the renew deadline of 10000 ms/);
  });
});
