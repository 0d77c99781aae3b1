import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  osbPaths,
  startFaultInjectingBroker,
  type FaultInjectingBroker,
} from '../testing/faultInjectingBroker.js';
import type { ScriptedResponse } from '../testing/scriptedHttpServer.js';
import { bindWithOrphanMitigation, provisionWithOrphanMitigation } from './orphanMitigatingCalls.js';
import { OsbClient } from './osbClient.js';
import { OsbError } from './osbErrors.js';

const PG = { serviceId: 'a9s-postgresql15-service-id', planId: 'postgresql-single-small-plan-id' };
const INSTANCE = 'inst-om';
const BINDING = 'bind-om';

interface Target {
  op: 'provision' | 'bind';
  /** The method+path the scripted answer replaces. */
  path: string;
  /** Where the mitigation DELETE goes. */
  deletePath: string;
  prepare(client: OsbClient): Promise<void>;
  call(client: OsbClient): Promise<unknown>;
}

const targets: Target[] = [
  {
    op: 'provision',
    path: osbPaths.instance(INSTANCE),
    deletePath: osbPaths.instance(INSTANCE),
    prepare: () => Promise.resolve(),
    call: (client) => provisionWithOrphanMitigation(client, INSTANCE, PG),
  },
  {
    op: 'bind',
    path: osbPaths.binding(INSTANCE, BINDING),
    deletePath: osbPaths.binding(INSTANCE, BINDING),
    prepare: async (client) => {
      await client.provision(INSTANCE, PG);
    },
    call: (client) => bindWithOrphanMitigation(client, INSTANCE, BINDING, PG),
  },
];

async function setup(t: TestContext, target: Target, timeoutMs = 60_000) {
  const broker = await startFaultInjectingBroker();
  t.after(() => broker.close());
  const client = new OsbClient({ url: broker.url, timeoutMs });
  t.after(() => client.close());
  await target.prepare(client);
  return { broker, client };
}

function deletesTo(broker: FaultInjectingBroker, target: Target) {
  return broker.requestsTo('DELETE', target.deletePath);
}

function assertOneMitigation(broker: FaultInjectingBroker, target: Target, err: OsbError): void {
  const deletes = deletesTo(broker, target);
  assert.equal(deletes.length, 1, 'exactly one DELETE');
  assert.deepEqual(deletes[0]?.query, {
    service_id: PG.serviceId,
    plan_id: PG.planId,
    accepts_incomplete: 'true',
  });
  assert.equal(err.orphanMitigated, true);
  assert.equal(err.orphanMitigation?.state, 'done');
  assert.equal(err.orphanMitigation?.task.kind, target.op === 'provision' ? 'deprovision' : 'unbind');
}

async function failure(p: Promise<unknown>): Promise<OsbError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof OsbError, `expected OsbError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

for (const target of targets) {
  describe(`orphan mitigation for ${target.op}`, () => {
    const script = (broker: FaultInjectingBroker, response: ScriptedResponse) =>
      broker.script('PUT', target.path, response);

    it('200: success, no DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { status: 200, body: {} });
      const r = (await target.call(client)) as { alreadyExisted: boolean };
      assert.equal(r.alreadyExisted, true);
      assert.equal(deletesTo(broker, target).length, 0);
    });

    it('200 with a malformed body: failure, no DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { status: 200, rawBody: '{"oops"' });
      const err = await failure(target.call(client));
      assert.ok(err.isMalformedResponse());
      assert.equal(err.orphanMitigated, false);
      assert.equal(err.orphanMitigation, undefined);
      assert.equal(deletesTo(broker, target).length, 0);
    });

    it('201: success, no DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { status: 201, body: {} });
      const r = (await target.call(client)) as { alreadyExisted: boolean; kind: string };
      assert.equal(r.kind, 'sync');
      assert.equal(r.alreadyExisted, false);
      assert.equal(deletesTo(broker, target).length, 0);
    });

    it('201 with a malformed body: failure, one DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { status: 201, rawBody: 'not json' });
      const err = await failure(target.call(client));
      assert.ok(err.isMalformedResponse());
      assert.equal(err.status, 201);
      assertOneMitigation(broker, target, err);
    });

    it('other 2xx (204): failure, one DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { status: 204 });
      const err = await failure(target.call(client));
      assert.equal(err.status, 204);
      assert.match(err.userMessage, new RegExp(`answered 204, which is not a valid answer to ${target.op}`));
      assertOneMitigation(broker, target, err);
    });

    it('other 2xx (202 with a malformed body): failure, one DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { status: 202, rawBody: '{"operation": ' });
      const err = await failure(target.call(client));
      assert.ok(err.isMalformedResponse());
      assert.equal(err.status, 202);
      assertOneMitigation(broker, target, err);
    });

    it('408: client timeout failure, one DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { status: 408, body: { description: 'request timed out' } });
      const err = await failure(target.call(client));
      assert.equal(err.status, 408);
      assert.equal(err.retryable, true);
      assertOneMitigation(broker, target, err);
    });

    it('other 4xx (400, 401, 409, 422): rejected, no DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      for (const status of [400, 401, 409, 422]) {
        script(broker, { status, body: { description: `rejected with ${status}` } });
        const err = await failure(target.call(client));
        assert.equal(err.status, status);
        assert.equal(err.userMessage, `rejected with ${status}`);
        assert.equal(err.orphanMitigated, false);
      }
      assert.equal(deletesTo(broker, target).length, 0);
    });

    it('5xx: broker error, one DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { status: 503, body: { description: 'backend overloaded' } });
      const err = await failure(target.call(client));
      assert.equal(err.status, 503);
      assert.equal(err.userMessage, 'backend overloaded');
      assertOneMitigation(broker, target, err);
    });

    it('client timeout after sending: failure, one DELETE', async (t) => {
      const { broker, client } = await setup(t, target, 250);
      script(broker, { status: 201, body: {}, delayMs: 2000 });
      const err = await failure(target.call(client));
      assert.ok(err.isTimeout());
      assertOneMitigation(broker, target, err);
    });

    it('connection reset after sending: failure, one DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { destroyConnection: true });
      const err = await failure(target.call(client));
      assert.ok(err.isUnreachable());
      assert.equal(err.requestSent, true);
      assertOneMitigation(broker, target, err);
    });

    it('connection refused (never sent): no DELETE', async (t) => {
      const { broker, client } = await setup(t, target);
      await broker.down();
      const err = await failure(target.call(client));
      assert.equal(err.requestSent, false);
      assert.equal(err.orphanMitigation, undefined);
      await broker.up();
      assert.equal(deletesTo(broker, target).length, 0);
    });

    it('a failed mitigation is reported with the task to retry, and the retry works', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { status: 500, body: { description: 'boom' } });
      broker.script('DELETE', target.deletePath, { status: 500, body: { description: 'cannot delete now' } });
      const err = await failure(target.call(client));
      assert.equal(err.userMessage, 'boom', 'the original error is rethrown');
      assert.equal(err.orphanMitigated, false);
      const report = err.orphanMitigation;
      assert.equal(report?.state, 'failed');
      assert.equal(report?.error?.userMessage, 'cannot delete now');
      assert.ok(report?.retry);
      assert.equal(deletesTo(broker, target).length, 1);
      const retried = await client.runOrphanMitigation(report.retry);
      assert.ok(retried.state === 'done');
      assert.equal(deletesTo(broker, target).length, 2);
    });

    it('an asynchronous mitigation counts as mitigated and exposes its operation', async (t) => {
      const { broker, client } = await setup(t, target);
      script(broker, { status: 500 });
      broker.script('DELETE', target.deletePath, { status: 202, body: { operation: 'cleanup-1' } });
      const err = await failure(target.call(client));
      assert.equal(err.orphanMitigated, true);
      assert.equal(err.orphanMitigation?.state, 'accepted');
      assert.equal(err.orphanMitigation?.operation, 'cleanup-1');
    });
  });
}

describe('orphan mitigation through the client methods', () => {
  it('OsbClient.provisionWithOrphanMitigation and bindWithOrphanMitigation delegate', async (t) => {
    const broker = await startFaultInjectingBroker();
    t.after(() => broker.close());
    const client = new OsbClient({ url: broker.url });
    t.after(() => client.close());
    broker.script('PUT', osbPaths.instance('x'), { status: 500 });
    const err = await failure(client.provisionWithOrphanMitigation('x', PG));
    assert.equal(err.orphanMitigated, true);
    await client.provision('y', PG);
    broker.script('PUT', osbPaths.binding('y', 'b'), { status: 502 });
    const bindErr = await failure(client.bindWithOrphanMitigation('y', 'b', PG));
    assert.equal(bindErr.orphanMitigated, true);
    assert.equal(broker.requestsTo('DELETE', osbPaths.binding('y', 'b')).length, 1);
  });
});
