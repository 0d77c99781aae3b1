import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './durations.js';

void describe('parseDuration', () => {
  void it('reads Go-style durations', () => {
    assert.equal(parseDuration('1m'), 60_000);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1.5s'), 1_500);
    assert.equal(parseDuration('10'), 10_000);
  });

  void it('rejects anything else with the accepted forms', () => {
    for (const bad of ['', 'soon', '1d', '1m junk', '-1s']) {
      assert.throws(() => parseDuration(bad), /use e\.g\. 500ms, 30s, 1m or 1h30m/, bad);
    }
  });
});
