import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, parseGoDuration } from './goDuration.js';

describe('Go durations', () => {
  it('parses what metav1.Duration writes', () => {
    assert.equal(parseGoDuration('5m0s'), 300_000);
    assert.equal(parseGoDuration('1h30m'), 5_400_000);
    assert.equal(parseGoDuration('2.5s'), 2_500);
    assert.equal(parseGoDuration('250ms'), 250);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('-1s'), -1000);
    for (const bad of ['', '5', 'abc', '5x', '1h banana']) assert.equal(parseGoDuration(bad), undefined, bad);
  });

  it('formats like time.Duration.String', () => {
    assert.equal(formatGoDuration(300_000), '5m0s');
    assert.equal(formatGoDuration(3_600_000), '1h0m0s');
    assert.equal(formatGoDuration(10_000), '10s');
    assert.equal(formatGoDuration(0), '0s');
  });
});
