import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from './logger.js';
import { RuntimeMetrics } from './metrics.js';
import { cachesSynced, startObservabilityServer } from './observabilityServer.js';

describe('observability server', () => {
  it('serves health, readiness with a reason, and Prometheus metrics', async () => {
    const metrics = new RuntimeMetrics({ processMetrics: true });
    metrics.workqueue('q').add();
    metrics.reconciled('c', 'error', 0.01);
    let ready = false;
    const srv = await startObservabilityServer({
      address: '127.0.0.1:0',
      metrics,
      logger: silentLogger(),
      ready: () => ({ ready, reason: 'informers not synced' }),
    });
    try {
      assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
      const unready = await fetch(`${srv.url}/readyz`);
      assert.equal(unready.status, 503);
      assert.match(await unready.text(), /informers not synced/);
      ready = true;
      assert.equal((await fetch(`${srv.url}/readyz`)).status, 200);
      const m = await fetch(`${srv.url}/metrics`);
      assert.match(m.headers.get('content-type') ?? '', /text\/plain/);
      const text = await m.text();
      assert.match(text, /workqueue_adds_total\{name="q"\} 1/);
      assert.match(text, /controller_reconcile_errors_total\{controller="c"\} 1/);
      assert.match(text, /process_resident_memory_bytes/);
      assert.equal((await fetch(`${srv.url}/nope`)).status, 404);
      assert.equal((await fetch(`${srv.url}/healthz`, { method: 'POST' })).status, 405);
    } finally {
      await srv.close();
    }
  });

  it('rejects an address without a port', async () => {
    await assert.rejects(
      startObservabilityServer({
        address: 'localhost',
        metrics: new RuntimeMetrics(),
        logger: silentLogger(),
      }),
      /host:port/,
    );
  });
});

describe('cachesSynced', () => {
  it('names the caches that are still loading', () => {
    const cache = (name: string, synced: boolean) => ({ name, hasSynced: () => synced });
    assert.deepEqual(cachesSynced([cache('a', true), cache('b', false), cache('c', false)]), {
      ready: false,
      reason: 'caches not synced: b, c',
    });
    assert.deepEqual(cachesSynced([cache('a', true)]), { ready: true });
  });
});
