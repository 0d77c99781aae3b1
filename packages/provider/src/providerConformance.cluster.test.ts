// The provider against a plain, spec-compliant OSB v2.17 broker (no a9s extensions) on a real API
// server: each test scripts exactly the broker answer of one item of the conformance table in
// docs/provider.md and checks what the user sees (conditions, Events) and what reaches the broker.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  defaultFakeCatalog,
  osbPaths,
  startFaultInjectingBroker,
  type FaultInjectingBroker,
} from '@klutch/broker-clients/testing';
import { createLogger, ResourceClient, type KubeObject } from '@klutch/kube';
import { bindingOperationAnnotation, externalNameAnnotation } from './names.js';
import { startProvider, type RunningProvider } from './provider.js';
import {
  condition,
  eventsFor,
  providerConfigObjects,
  serviceBindingMr,
  serviceInstanceMr,
  startProviderCluster,
  waitFor,
  type ProviderCluster,
} from './testing/index.js';
import {
  providerConfigScope,
  secretScope,
  serviceBindingScope,
  serviceInstanceScope,
} from './managedResources.js';

type Obj = KubeObject & { status?: Record<string, unknown>; spec?: Record<string, unknown> };

const brokerAuth = { username: 'broker-admin', password: randomBytes(8).toString('hex') };
/** Deadline of the waits: generous, the machine running the tests may be busy. */
const slow = 60_000;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

void describe('provider against a plain OSB broker', () => {
  let env: ProviderCluster;
  let broker: FaultInjectingBroker;
  let provider: RunningProvider;
  let stop = new AbortController();
  let instances: ResourceClient<Obj>;
  let bindings: ResourceClient<Obj>;
  let secrets: ResourceClient<Obj>;
  let providerConfigs: ResourceClient<Obj>;

  /** Starts a provider; after `restart`, a new one knows only what the cluster holds. */
  const launch = () =>
    startProvider({
      kubeconfigPath: env.cluster.kubeconfigPath,
      logger: createLogger({ name: 'provider-test', level: 'silent' }),
      signal: stop.signal,
      pollIntervalMs: 2_000,
      operationPollIntervalMs: 300,
      waitIntervalMs: 300,
      workers: 2,
      retry: { initialMs: 300, maxMs: 2_000 },
      healthAddress: '127.0.0.1:0',
      healthIntervals: { healthyMs: 1_000, unhealthyMs: 300 },
      catalogTtlMs: 0,
      backendTimeoutMs: 5_000,
    });

  before(async () => {
    env = await startProviderCluster('provider-conformance');
    const catalog = defaultFakeCatalog();
    // One plan with a short polling limit (item 7).
    const replica = catalog.services[0]?.plans[1];
    if (replica) replica.maximum_polling_duration = 2;
    broker = await startFaultInjectingBroker({ auth: brokerAuth, a9sExtensions: false, catalog });
    // No healthCheckEndpoint: the default must work with a plain broker (item 9).
    await env.apply(...providerConfigObjects('postgresql-service-broker', broker.url, brokerAuth));
    instances = new ResourceClient<Obj>(env.client, serviceInstanceScope);
    bindings = new ResourceClient<Obj>(env.client, serviceBindingScope);
    secrets = new ResourceClient<Obj>(env.client, secretScope);
    providerConfigs = new ResourceClient<Obj>(env.client, providerConfigScope);
    provider = await launch();
  });

  after(async () => {
    stop.abort();
    await provider?.done;
    await broker?.close();
    await env?.stop();
  });

  const ready = (name: string, client: ResourceClient<Obj> = instances) =>
    waitFor(
      `${name} Ready`,
      async () => {
        const o = await client.tryGet(name);
        return condition(o, 'Ready')?.status === 'True' ? o : undefined;
      },
      slow,
    );
  const syncedFalse = (name: string, client: ResourceClient<Obj>, message?: RegExp) =>
    waitFor(
      `${name} Synced=False`,
      async () => {
        const c = condition(await client.tryGet(name), 'Synced');
        return c?.status === 'False' && (!message || message.test(c.message ?? '')) ? c : undefined;
      },
      slow,
    );
  const gone = (name: string, client: ResourceClient<Obj>) =>
    waitFor(`${name} deleted`, async () => ((await client.tryGet(name)) ? undefined : true), slow);
  /** An instance whose broker id is fixed, so that scripts can name its paths. */
  const pinned = (claim: string, id: string, plan = 'postgresql-single-small', parameters?: object) => {
    const mr = serviceInstanceMr({
      namespace: 'team-osb',
      claim,
      service: 'a9s-postgresql15',
      plan,
      ...(parameters ? { parameters: parameters as Record<string, unknown> } : {}),
    });
    mr.metadata.annotations = { [externalNameAnnotation]: id };
    return mr;
  };

  void it('item 9: a plain broker is healthy with the default health check (GET /v2/catalog)', async () => {
    const health = await waitFor('health checked', async () => {
      const pc = await providerConfigs.get('postgresql-service-broker');
      return pc.status?.health as { lastStatus?: boolean; lastMessage?: string } | undefined;
    });
    assert.equal(health.lastStatus, true, health.lastMessage);
    assert.ok(broker.requestsTo('GET', osbPaths.catalog).length > 0);
    assert.equal(broker.requestsTo('*', '/instances').length, 0, 'no a9s endpoint by default');
  });

  void it('item 1: sends organization_guid and space_guid, derived stably or from the ProviderConfig', async () => {
    // A strict broker: 400 for a provision without both GUIDs.
    broker.script(
      'PUT',
      osbPaths.instance(),
      (req) => {
        const body = req.body as Record<string, unknown>;
        return typeof body.organization_guid === 'string' && typeof body.space_guid === 'string'
          ? { passThrough: true }
          : {
              status: 400,
              body: { error: 'BadRequest', description: 'organization_guid and space_guid are required' },
            };
      },
      { times: Infinity },
    );
    try {
      const a = pinned('guids', 'guid-instance-a');
      await env.apply(a);
      await ready(a.metadata.name ?? '');
      const body = broker.requestsTo('PUT', osbPaths.instance('guid-instance-a')).at(-1)?.body as Record<
        string,
        unknown
      >;
      const namespaces = new ResourceClient<KubeObject>(env.client, {
        group: '',
        version: 'v1',
        resource: 'namespaces',
        namespaced: false,
      });
      const kubeSystem = await namespaces.get('kube-system');
      assert.equal(body.organization_guid, kubeSystem.metadata.uid, 'the control plane is the organization');
      assert.match(String(body.space_guid), uuid);
      assert.equal((body.context as Record<string, unknown>).namespace, 'team-osb', 'and the context');

      await env.apply(
        ...providerConfigObjects('mariadb-service-broker', broker.url, brokerAuth, {
          organizationGuid: 'org-from-providerconfig',
          spaceGuid: 'space-from-providerconfig',
        }),
      );
      const m = serviceInstanceMr({
        namespace: 'team-osb',
        claim: 'guids-maria',
        service: 'a9s-mariadb1011',
        plan: 'mariadb-single-small-ssl',
        type: 'mariadb',
      });
      m.metadata.annotations = { [externalNameAnnotation]: 'guid-instance-m' };
      await env.apply(m);
      await ready(m.metadata.name ?? '');
      const mb = broker.requestsTo('PUT', osbPaths.instance('guid-instance-m')).at(-1)?.body as Record<
        string,
        unknown
      >;
      assert.equal(mb.organization_guid, 'org-from-providerconfig');
      assert.equal(mb.space_guid, 'space-from-providerconfig');
    } finally {
      broker.resetScripts();
    }
  });

  void it('item 2: a failed asynchronous provision stays failed, is cleaned up and retried', async () => {
    broker.behaviour.async = true;
    broker.behaviour.pollsUntilDone = 0;
    broker.behaviour.finalState = 'failed';
    try {
      const mr = pinned('async-fail', 'async-fail-1');
      const name = mr.metadata.name ?? '';
      await env.apply(mr);
      const synced = await syncedFalse(name, instances, /Clean-up pending/);
      assert.match(synced.message ?? '', /failed: (de)?provision failed \(fake broker\)/);
      const failure = await waitFor('Event with the broker description', async () =>
        (await eventsFor(env.client, name)).find(
          (e) =>
            e.reason === 'CannotCreateExternalResource' &&
            e.message === 'The broker reports the provision as failed: provision failed (fake broker)',
        ),
      );
      assert.equal(failure.type, 'Warning');
      await waitFor('clean-up DELETE', () =>
        broker.requestsTo('DELETE', osbPaths.instance('async-fail-1')).length > 0 ? true : undefined,
      );
      // While the broker fails, the instance never shows as Available (the GET of a plain broker
      // answers 200 for the failed instance).
      for (let i = 0; i < 30; i++) {
        const o = await instances.get(name);
        assert.notEqual(
          condition(o, 'Ready')?.status,
          'True',
          'a failed provision must not show as Available',
        );
        await sleep(100);
      }
      broker.behaviour.finalState = 'succeeded';
      await ready(name);
      assert.ok(broker.requestsTo('PUT', osbPaths.instance('async-fail-1')).length >= 2, 'retried');
      await instances.delete(name);
      await gone(name, instances);
    } finally {
      broker.behaviour.async = false;
      broker.behaviour.pollsUntilDone = 1;
      broker.behaviour.finalState = 'succeeded';
    }
  });

  void it('item 3: a rejected update stays visible in Synced until an update succeeds', async () => {
    const mr = pinned('upd', 'update-rejected-1', 'postgresql-single-small', { max_connections: 100 });
    const name = mr.metadata.name ?? '';
    await env.apply(mr);
    await ready(name);
    const description = 'max_connections must be at most 500';
    broker.script(
      'PATCH',
      osbPaths.instance('update-rejected-1'),
      { status: 400, body: { error: 'BadRequest', description } },
      { times: Infinity },
    );
    try {
      await env.apply(
        pinned('upd', 'update-rejected-1', 'postgresql-single-small', { max_connections: 900 }),
      );
      await syncedFalse(name, instances, new RegExp(description));
      // Longer than the poll interval and the longest back-off: the failure never disappears.
      const deadline = Date.now() + 4_500;
      while (Date.now() < deadline) {
        const o = await instances.get(name);
        const synced = condition(o, 'Synced');
        assert.equal(synced?.status, 'False', `Synced turned ${synced?.status} while the update is rejected`);
        assert.equal(synced?.message, description);
        await sleep(100);
      }
    } finally {
      broker.resetScripts();
    }
    await waitFor('update succeeds', async () =>
      condition(await instances.get(name), 'Synced')?.status === 'True' ? true : undefined,
    );
    await instances.delete(name);
    await gone(name, instances);
  });

  void it('item 4: an update sends the full desired parameters, never null for a removed one', async () => {
    const mr = pinned('params', 'params-1', 'postgresql-single-small', {
      max_connections: 100,
      databases: ['a'],
    });
    const name = mr.metadata.name ?? '';
    await env.apply(mr);
    await ready(name);
    // A schema-validating broker: null is no valid value of any parameter.
    broker.script(
      'PATCH',
      osbPaths.instance('params-1'),
      (req) => {
        const params = (req.body as { parameters?: Record<string, unknown> }).parameters ?? {};
        const nulls = Object.keys(params).filter((k) => params[k] === null);
        return nulls.length
          ? {
              status: 400,
              body: { error: 'BadRequest', description: `parameters.${nulls[0]}: must be array` },
            }
          : { passThrough: true };
      },
      { times: Infinity },
    );
    try {
      await env.apply(pinned('params', 'params-1', 'postgresql-single-small', { max_connections: 200 }));
      const patch = await waitFor(
        'PATCH',
        () => broker.requestsTo('PATCH', osbPaths.instance('params-1'))[0],
      );
      assert.deepEqual((patch.body as Record<string, unknown>).parameters, { max_connections: 200 });
      await waitFor('updated', () =>
        broker.instances.get('params-1')?.parameters.max_connections === 200 ? true : undefined,
      );
      await sleep(2_500);
      const o = await instances.get(name);
      assert.equal(condition(o, 'Synced')?.status, 'True', condition(o, 'Synced')?.message);
      assert.equal(
        broker.requestsTo('PATCH', osbPaths.instance('params-1')).length,
        1,
        'no repeated updates',
      );
    } finally {
      broker.resetScripts();
    }
    await instances.delete(name);
    await gone(name, instances);
  });

  /** An instance with a Ready binding; returns the names and the broker ids. */
  const boundInstance = async (claim: string) => {
    const inst = pinned(claim, `${claim}-instance`);
    const sb = serviceBindingMr({ namespace: 'team-osb', claim: `${claim}-binding`, instance: claim });
    await env.apply(inst, sb);
    await ready(inst.metadata.name ?? '');
    const binding = await ready(sb.metadata.name, bindings);
    return { inst, sb, bindingId: binding.metadata.uid ?? '', instanceId: `${claim}-instance` };
  };

  void it('item 5: a bare 404 to an unbind is an error: the binding and its Secret stay', async () => {
    const { inst, sb, bindingId, instanceId } = await boundInstance('unbind404');
    broker.script(
      'DELETE',
      osbPaths.binding(instanceId, bindingId),
      { status: 404, body: {} },
      { times: Infinity },
    );
    try {
      await bindings.delete(sb.metadata.name);
      await syncedFalse(sb.metadata.name, bindings);
      await sleep(1_500);
      assert.ok(await bindings.tryGet(sb.metadata.name), 'the binding waits for the broker');
      assert.ok(await secrets.tryGet(sb.metadata.name, { namespace: 'klutch-system' }), 'the Secret stays');
      assert.ok(broker.bindings.has(`${instanceId}/${bindingId}`));
    } finally {
      broker.resetScripts();
    }
    await gone(sb.metadata.name, bindings);
    assert.equal(broker.bindings.has(`${instanceId}/${bindingId}`), false);
    assert.equal(await secrets.tryGet(sb.metadata.name, { namespace: 'klutch-system' }), undefined);
    await instances.delete(inst.metadata.name ?? '');
    await gone(inst.metadata.name ?? '', instances);
  });

  void it('item 6: waiting to retry an unbind writes nothing and shows the broker description', async (t) => {
    const { inst, sb, bindingId, instanceId } = await boundInstance('unbindretry');
    const description = 'the credential store is read-only';
    broker.script(
      'DELETE',
      osbPaths.binding(instanceId, bindingId),
      { status: 500, body: { description } },
      { times: Infinity },
    );
    try {
      await bindings.delete(sb.metadata.name);
      await syncedFalse(sb.metadata.name, bindings, new RegExp(description));
      const versions = new Set<string>();
      const deadline = Date.now() + 4_000;
      while (Date.now() < deadline) {
        const o = await bindings.get(sb.metadata.name);
        versions.add(o.metadata.resourceVersion ?? '');
        const synced = condition(o, 'Synced');
        assert.match(
          synced?.message ?? '',
          new RegExp(description),
          'the condition carries the broker message',
        );
        await sleep(20);
      }
      const deletes = broker.requestsTo('DELETE', osbPaths.binding(instanceId, bindingId)).length;
      t.diagnostic(
        `while waiting to retry: ${versions.size} resource versions, ${deletes} unbind attempts in 4 s`,
      );
      // Back-off 300 ms doubling up to 2 s: a handful of attempts in 4 s, each at most one write.
      assert.ok(versions.size <= 8, `${versions.size} status writes in 4 s while waiting to retry`);
      assert.ok(deletes <= 10, `${deletes} unbind attempts`);
    } finally {
      broker.resetScripts();
    }
    await gone(sb.metadata.name, bindings);
    await instances.delete(inst.metadata.name ?? '');
    await gone(inst.metadata.name ?? '', instances);
  });

  void it("item 7: an operation that outlasts the plan's maximum_polling_duration fails and does not block deletion", async () => {
    const id = 'never-finishes-1';
    broker.script(
      'PUT',
      osbPaths.instance(id),
      { status: 202, body: { operation: 'op-slow' } },
      { times: Infinity },
    );
    broker.script(
      'GET',
      osbPaths.instanceLastOperation(id),
      { status: 200, body: { state: 'in progress', description: 'still creating VMs' } },
      { times: Infinity },
    );
    try {
      const mr = pinned('slow', id, 'postgresql-replica-small-ssl');
      const name = mr.metadata.name ?? '';
      await env.apply(mr);
      const synced = await syncedFalse(name, instances, /maximum_polling_duration/);
      assert.match(
        synced.message ?? '',
        /did not finish the provision within the plan's maximum_polling_duration of 2s; it is considered failed \(last description: still creating VMs\)/,
      );
      // The spec's rule after a failed provision: orphan mitigation.
      await waitFor('clean-up DELETE', () =>
        broker.requestsTo('DELETE', osbPaths.instance(id)).length > 0 ? true : undefined,
      );
      await instances.delete(name);
      await gone(name, instances);
    } finally {
      broker.resetScripts();
    }
  });

  void it('item 8: a failed orphan-mitigation DELETE is repeated until the broker confirms, then provisioning is retried', async () => {
    const id = 'orphan-1';
    broker.script('PUT', osbPaths.instance(id), { status: 500, body: { description: 'backend exploded' } });
    broker.script(
      'DELETE',
      osbPaths.instance(id),
      { status: 500, body: { description: 'cannot reach the deployer' } },
      { times: 3 },
    );
    try {
      const mr = pinned('orphan', id);
      const name = mr.metadata.name ?? '';
      await env.apply(mr);
      const pending = await waitFor('pending clean-up in status', async () => {
        const o = await instances.tryGet(name);
        const pendingOperation = o?.status?.pendingOperation;
        return typeof pendingOperation === 'string' && pendingOperation.startsWith('cleanup-due')
          ? o
          : undefined;
      });
      assert.match(condition(pending, 'Synced')?.message ?? '', /Clean-up pending/);
      const obj = await ready(name);
      const deletes = broker.requestsTo('DELETE', osbPaths.instance(id));
      const puts = broker.requestsTo('PUT', osbPaths.instance(id));
      assert.equal(deletes.length, 4, 'three failed clean-ups, then the confirmed one');
      assert.equal(puts.length, 2);
      const lastDelete = deletes.at(-1)?.receivedAt.getTime() ?? 0;
      assert.ok(
        (puts[1]?.receivedAt.getTime() ?? 0) > lastDelete,
        'provisioned again only after the clean-up',
      );
      assert.equal(obj.status?.pendingOperation, undefined);
      await instances.delete(name);
      await gone(name, instances);
    } finally {
      broker.resetScripts();
    }
  });
  void it('item 8 (bindings): a failed orphan-mitigation unbind is repeated until the broker confirms, then binding is retried', async () => {
    const inst = pinned('bindorphan', 'bindorphan-instance');
    const sb = serviceBindingMr({
      namespace: 'team-osb',
      claim: 'bindorphan-binding',
      instance: 'bindorphan',
    });
    const bindingPath = osbPaths.binding('bindorphan-instance', 'bindorphan-b1');
    (sb.metadata as { annotations?: Record<string, string> }).annotations = {
      [externalNameAnnotation]: 'bindorphan-b1',
    };
    await env.apply(inst);
    await ready(inst.metadata.name ?? '');
    broker.script('PUT', bindingPath, { status: 502, body: { description: 'bad gateway' } });
    broker.script(
      'DELETE',
      bindingPath,
      { status: 500, body: { description: 'vault sealed' } },
      { times: 3 },
    );
    try {
      await env.apply(sb);
      const pending = await waitFor('pending clean-up', async () => {
        const o = await bindings.tryGet(sb.metadata.name);
        return o?.metadata.annotations?.[bindingOperationAnnotation]?.startsWith('unbind-due:')
          ? o
          : undefined;
      });
      assert.ok(pending);
      await ready(sb.metadata.name, bindings);
      const deletes = broker.requestsTo('DELETE', bindingPath);
      const puts = broker.requestsTo('PUT', bindingPath);
      assert.equal(deletes.length, 4, 'three failed clean-ups, then the confirmed one');
      assert.equal(puts.length, 2);
      assert.ok(
        (puts[1]?.receivedAt.getTime() ?? 0) > (deletes.at(-1)?.receivedAt.getTime() ?? 0),
        'bound again only after the clean-up',
      );
    } finally {
      broker.resetScripts();
    }
    await bindings.delete(sb.metadata.name);
    await gone(sb.metadata.name, bindings);
    await instances.delete(inst.metadata.name ?? '');
    await gone(inst.metadata.name ?? '', instances);
  });
  void it('items 2 and 8 survive a restart: an unconfirmed clean-up DELETE and unbind are sent again by a new provider', async () => {
    // A failed asynchronous provision (item 2) whose clean-up DELETE the broker refuses (item 8).
    const id = 'restart-failed-1';
    broker.script('PUT', osbPaths.instance(id), { status: 202, body: { operation: 'op-doomed' } });
    broker.script(
      'GET',
      osbPaths.instanceLastOperation(id),
      { status: 200, body: { state: 'failed', description: 'quota exceeded' } },
      { times: Infinity },
    );
    broker.script(
      'DELETE',
      osbPaths.instance(id),
      { status: 500, body: { description: 'cannot reach the deployer' } },
      { times: Infinity },
    );
    // A failed bind whose orphan-mitigation unbind the broker refuses.
    const host = pinned('restartbind', 'restartbind-instance');
    const sb = serviceBindingMr({
      namespace: 'team-osb',
      claim: 'restartbind-binding',
      instance: 'restartbind',
    });
    (sb.metadata as { annotations?: Record<string, string> }).annotations = {
      [externalNameAnnotation]: 'restartbind-b1',
    };
    const bindingPath = osbPaths.binding('restartbind-instance', 'restartbind-b1');
    broker.script('PUT', bindingPath, { status: 502, body: { description: 'bad gateway' } });
    broker.script(
      'DELETE',
      bindingPath,
      { status: 500, body: { description: 'vault sealed' } },
      { times: Infinity },
    );
    const mr = pinned('restart', id);
    const name = mr.metadata.name ?? '';
    /** The instance while its clean-up is owed: recorded, and shown in Synced. */
    const cleanupOwed = async () => {
      const o = await instances.tryGet(name);
      const pendingOperation = o?.status?.pendingOperation;
      return typeof pendingOperation === 'string' &&
        pendingOperation.startsWith('cleanup-due') &&
        /quota exceeded|cannot reach the deployer/.test(condition(o, 'Synced')?.message ?? '') &&
        /Clean-up pending/.test(condition(o, 'Synced')?.message ?? '')
        ? o
        : undefined;
    };
    /** The binding while its unbind is owed: recorded, and shown in Synced. */
    const unbindOwed = async () => {
      const o = await bindings.tryGet(sb.metadata.name);
      return o?.metadata.annotations?.[bindingOperationAnnotation]?.startsWith('unbind-due:') &&
        /Clean-up pending/.test(condition(o, 'Synced')?.message ?? '')
        ? o
        : undefined;
    };
    try {
      await env.apply(host);
      await ready(host.metadata.name ?? '');
      await env.apply(mr, sb);
      await waitFor('instance clean-up owed', cleanupOwed, slow);
      await waitFor('unbind owed', unbindOwed, slow);
      await waitFor('refused clean-up DELETE', () =>
        broker.requestsTo('DELETE', osbPaths.instance(id)).length > 0 ? true : undefined,
      );

      stop.abort();
      await provider.done;
      const restartedAt = Date.now();
      stop = new AbortController();
      provider = await launch();

      // The new provider has no memory of either: it finds the owed requests in the cluster.
      const sentAfterRestart = (path: string) => () =>
        broker.requestsTo('DELETE', path).filter((r) => r.receivedAt.getTime() >= restartedAt).length >= 2
          ? true
          : undefined;
      await waitFor(
        'clean-up DELETE sent again after the restart',
        sentAfterRestart(osbPaths.instance(id)),
        slow,
      );
      await waitFor('unbind sent again after the restart', sentAfterRestart(bindingPath), slow);
      // Still refused: the notice stays, and the instance never shows as Available.
      assert.ok(await cleanupOwed(), 'the instance still shows its pending clean-up');
      assert.ok(await unbindOwed(), 'the binding still shows its pending clean-up');
      assert.notEqual(condition(await instances.get(name), 'Ready')?.status, 'True');

      broker.resetScripts();
      const obj = await ready(name);
      assert.equal(obj.status?.pendingOperation, undefined);
      const synced = condition(obj, 'Synced');
      assert.equal(synced?.status, 'True', synced?.message);
      assert.doesNotMatch(synced?.message ?? '', /Clean-up pending/);
      const lastDelete = broker.requestsTo('DELETE', osbPaths.instance(id)).at(-1)?.receivedAt.getTime() ?? 0;
      assert.ok(
        (broker.requestsTo('PUT', osbPaths.instance(id)).at(-1)?.receivedAt.getTime() ?? 0) > lastDelete,
        'provisioned again only after the confirmed clean-up',
      );

      const bound = await ready(sb.metadata.name, bindings);
      assert.equal(bound.metadata.annotations?.[bindingOperationAnnotation], undefined);
      const boundSynced = condition(bound, 'Synced');
      assert.equal(boundSynced?.status, 'True', boundSynced?.message);
      assert.doesNotMatch(boundSynced?.message ?? '', /Clean-up pending/);
      const lastUnbind = broker.requestsTo('DELETE', bindingPath).at(-1)?.receivedAt.getTime() ?? 0;
      assert.ok(
        (broker.requestsTo('PUT', bindingPath).at(-1)?.receivedAt.getTime() ?? 0) > lastUnbind,
        'bound again only after the confirmed unbind',
      );
    } finally {
      broker.resetScripts();
    }
    await bindings.delete(sb.metadata.name);
    await gone(sb.metadata.name, bindings);
    for (const n of [name, host.metadata.name ?? '']) {
      await instances.delete(n);
      await gone(n, instances);
    }
  });
});
