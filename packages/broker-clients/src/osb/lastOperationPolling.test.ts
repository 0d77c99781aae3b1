import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  osbPaths,
  startFaultInjectingBroker,
  type FaultInjectingBrokerOptions,
} from '../testing/faultInjectingBroker.js';
import { maximumPollingDurationMs } from './catalogLookup.js';
import { pollLastOperation } from './lastOperationPolling.js';
import { OsbClient } from './osbClient.js';
import { OsbPollingTimeoutError } from './osbErrors.js';
import type { OsbCatalog } from './osbTypes.js';

const catalog: OsbCatalog = {
  services: [
    {
      id: 'svc',
      name: 'slow-service',
      description: '',
      bindable: true,
      plans: [{ id: 'plan', name: 'slow-plan', description: '', maximum_polling_duration: 1 }],
    },
  ],
};
const IDS = { serviceId: 'svc', planId: 'plan' };

async function setup(t: TestContext, opts: FaultInjectingBrokerOptions) {
  const broker = await startFaultInjectingBroker({ catalog, async: true, ...opts });
  t.after(() => broker.close());
  const client = new OsbClient({ url: broker.url });
  t.after(() => client.close());
  return { broker, client };
}

describe('pollLastOperation', () => {
  it("stops a broker that never finishes at the plan's maximum_polling_duration", async (t) => {
    const { broker, client } = await setup(t, { pollsUntilDone: 'never' });
    const { plan } = await client.findServiceAndPlan('slow-service', 'slow-plan');
    const started = Date.now();
    const op = await client.provision('i-never', IDS);
    assert.equal(op.kind, 'async');
    await assert.rejects(
      pollLastOperation((signal) => client.lastOperation('i-never', { operation: op.operation, signal }), {
        maximumPollingDurationMs: maximumPollingDurationMs(plan),
        defaultIntervalMs: 100,
        brokerUrl: client.url,
      }),
      (err) => {
        assert.ok(err instanceof OsbPollingTimeoutError);
        assert.equal(err.maximumPollingDurationMs, 1000);
        assert.equal(err.lastOperation?.state, 'in progress');
        assert.equal(err.retryable, false);
        assert.match(
          err.userMessage,
          /^the service broker at http:\/\/127\.0\.0\.1:\d+ did not finish the operation within the plan's maximum_polling_duration of 1 s; its last state was "in progress" \(provision in progress\)$/,
        );
        return true;
      },
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1000 && elapsed < 3000, `stopped after ${elapsed} ms`);
    assert.ok(broker.requestsTo('GET', osbPaths.instanceLastOperation('i-never')).length >= 5);
  });

  it('returns the final state, succeeded or failed', async (t) => {
    const { broker, client } = await setup(t, { pollsUntilDone: 2 });
    const op = await client.provision('i-ok', IDS);
    const done = await pollLastOperation(
      (signal) => client.lastOperation('i-ok', { operation: op.operation, signal }),
      {
        defaultIntervalMs: 10,
      },
    );
    assert.equal(done.state, 'succeeded');
    assert.equal(broker.requestsTo('GET', osbPaths.instanceLastOperation('i-ok')).length, 3);
    broker.behaviour.finalState = 'failed';
    const op2 = await client.provision('i-fail', IDS);
    const failed = await pollLastOperation(
      (signal) => client.lastOperation('i-fail', { operation: op2.operation, signal }),
      {
        defaultIntervalMs: 10,
      },
    );
    assert.equal(failed.state, 'failed');
    assert.match(failed.description ?? '', /provision failed/);
  });

  it('waits as long as Retry-After says', async (t) => {
    const { client } = await setup(t, { pollsUntilDone: 1, retryAfterSeconds: 1 });
    const op = await client.provision('i-ra', IDS);
    const started = Date.now();
    const done = await pollLastOperation(
      (signal) => client.lastOperation('i-ra', { operation: op.operation, signal }),
      {
        defaultIntervalMs: 10,
      },
    );
    assert.equal(done.state, 'succeeded');
    assert.ok(Date.now() - started >= 950, 'honoured Retry-After: 1');
  });

  it('rides out a short outage, and gives up after repeated errors', async (t) => {
    const { broker, client } = await setup(t, { pollsUntilDone: 0 });
    const op = await client.provision('i-out', IDS);
    broker.script('GET', osbPaths.instanceLastOperation(), { status: 503 }, { times: 2 });
    const done = await pollLastOperation(
      (signal) => client.lastOperation('i-out', { operation: op.operation, signal }),
      {
        defaultIntervalMs: 10,
      },
    );
    assert.equal(done.state, 'succeeded');
    broker.script('GET', osbPaths.instanceLastOperation(), { status: 503 }, { times: 10 });
    await assert.rejects(
      pollLastOperation((signal) => client.lastOperation('i-out', { signal }), {
        defaultIntervalMs: 10,
        maxConsecutiveErrors: 2,
      }),
      (err) => err instanceof Error && /answered 503/.test(err.message),
    );
    broker.resetScripts();
    broker.script('GET', osbPaths.instanceLastOperation(), { status: 404, body: { description: 'unknown' } });
    await assert.rejects(
      pollLastOperation((signal) => client.lastOperation('i-out', { signal }), { defaultIntervalMs: 10 }),
      /unknown/,
      'non-retryable errors end polling at once',
    );
  });

  it('stops when the caller aborts', async (t) => {
    const { client } = await setup(t, { pollsUntilDone: 'never' });
    const op = await client.provision('i-abort', IDS);
    const ac = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => ac.abort(reason), 150);
    await assert.rejects(
      pollLastOperation((signal) => client.lastOperation('i-abort', { operation: op.operation, signal }), {
        defaultIntervalMs: 20,
        signal: ac.signal,
      }),
      (err) => err === reason,
    );
  });
});
