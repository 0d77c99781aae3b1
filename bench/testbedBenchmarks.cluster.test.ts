// Keeps the benchmark code working (small sizes, no timing assertions).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { informerThroughput } from './testbedBenchmarks.js';

describe('benchmark code', { timeout: 120_000 }, () => {
  it('informer throughput: every name the API server lists was delivered once and is cached', async () => {
    const { measurements, delivery } = await informerThroughput(200, 8);
    const [baseline, informer] = measurements;
    assert.ok(baseline && baseline.value > 0);
    assert.ok(informer && informer.value > 0);
    assert.equal(delivery.listed, 200, 'the server lists every create');
    assert.deepEqual(delivery.missing, []);
    assert.equal(delivery.duplicates, 0);
    assert.deepEqual(delivery.notCached, []);
    assert.equal(delivery.delivered, 200);
  });
});
