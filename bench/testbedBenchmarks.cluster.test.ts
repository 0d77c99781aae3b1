// Keeps the benchmark code working (small sizes, no timing assertions).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { informerThroughput } from './testbedBenchmarks.js';

describe('benchmark code', { timeout: 120_000 }, () => {
  it('informer throughput reports every event delivered and none lost', async () => {
    const [baseline, informer] = await informerThroughput(200, 8);
    assert.ok(baseline && baseline.value > 0);
    assert.ok(informer && informer.value > 0);
    assert.match(informer.note ?? '', /lost 0;/);
  });
});
