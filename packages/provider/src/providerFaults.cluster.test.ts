// The provider against a real API server and the fault-injecting OSB broker: what users see
// when brokers are down, reject requests or never finish, and the parts of the lifecycle the
// sandbox broker cannot provoke (binding rotation, health transitions).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  osbPaths,
  ScriptedHttpServer,
  startFaultInjectingBroker,
  type FaultInjectingBroker,
} from '@klutch/broker-clients/testing';
import { createLogger, ResourceClient, type KubeObject } from '@klutch/kube';
import { managedResourceFinalizer } from './names.js';
import { startProvider, type RunningProvider } from './provider.js';
import {
  backupMr,
  condition,
  eventsFor,
  restoreMr,
  providerConfigObjects,
  serviceBindingMr,
  serviceInstanceMr,
  startProviderCluster,
  waitFor,
  type ProviderCluster,
} from './testing/index.js';
import {
  backupScope,
  providerConfigScope,
  restoreScope,
  secretScope,
  serviceBindingScope,
  serviceInstanceScope,
} from './managedResources.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

type Obj = KubeObject & { status?: Record<string, unknown>; spec?: Record<string, unknown> };

const brokerAuth = { username: 'broker-admin', password: randomBytes(8).toString('hex') };

void describe('provider against a faulty broker', () => {
  let env: ProviderCluster;
  let broker: FaultInjectingBroker;
  let provider: RunningProvider;
  const stop = new AbortController();
  let instances: ResourceClient<Obj>;
  let bindings: ResourceClient<Obj>;
  let secrets: ResourceClient<Obj & { data?: Record<string, string> }>;
  let providerConfigs: ResourceClient<Obj>;

  before(async () => {
    env = await startProviderCluster('provider-faults');
    broker = await startFaultInjectingBroker({ auth: brokerAuth });
    // Whitespace around the values is part of the test: credentials are trimmed.
    await env.apply(
      ...providerConfigObjects('postgresql-service-broker', broker.url, {
        username: `${brokerAuth.username}\n`,
        password: ` ${brokerAuth.password}\n`,
      }),
    );
    instances = new ResourceClient<Obj>(env.client, serviceInstanceScope);
    bindings = new ResourceClient<Obj>(env.client, serviceBindingScope);
    secrets = new ResourceClient(env.client, secretScope);
    providerConfigs = new ResourceClient<Obj>(env.client, providerConfigScope);
    provider = await startProvider({
      kubeconfigPath: env.cluster.kubeconfigPath,
      logger: createLogger({ name: 'provider-test' }),
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
  });

  after(async () => {
    stop.abort();
    await provider?.done;
    await broker?.close();
    await env?.stop();
  });

  const ready = (name: string) =>
    waitFor(`${name} Ready`, async () => {
      const o = await instances.tryGet(name);
      return condition(o, 'Ready')?.status === 'True' ? o : undefined;
    });

  void it('says how to fix a missing ProviderConfig and provisions once it exists', async () => {
    const mr = serviceInstanceMr({
      namespace: 'team-a',
      claim: 'maria',
      service: 'a9s-mariadb1011',
      plan: 'mariadb-single-small-ssl',
      type: 'mariadb',
    });
    await env.apply(mr);
    const synced = await waitFor('Synced=False', async () => {
      const c = condition(await instances.tryGet(mr.metadata.name ?? ''), 'Synced');
      return c?.status === 'False' ? c : undefined;
    });
    assert.equal(
      synced.message,
      'ProviderConfig "mariadb-service-broker" not found: create it (see docs/provider.md#providerconfig)',
    );
    assert.equal(synced.reason, 'ReconcileError');
    const events = await eventsFor(env.client, mr.metadata.name ?? '');
    assert.ok(
      events.some(
        (e) => e.type === 'Warning' && e.reason === 'CannotConnectToProvider' && e.message === synced.message,
      ),
    );
    assert.equal(broker.requestsTo('PUT', osbPaths.instance()).length, 0);

    await env.apply(...providerConfigObjects('mariadb-service-broker', broker.url, brokerAuth));
    const obj = await ready(mr.metadata.name ?? '');
    const at = obj.status?.atProvider as Record<string, unknown>;
    assert.equal(at.instanceId, obj.metadata.uid, 'the instance id is the resource UID');
    assert.equal(at.serviceId, 'a9s-mariadb1011-service-id');
    assert.equal(at.planId, 'mariadb-single-small-ssl-plan-id');
    assert.ok(obj.metadata.finalizers?.includes(managedResourceFinalizer));
    const puts = broker.requestsTo('PUT', osbPaths.instance(obj.metadata.uid));
    assert.equal(puts.length, 1);
    const body = puts[0]?.body as Record<string, unknown>;
    assert.deepEqual((body.context as Record<string, unknown>).namespace, 'team-a');
    assert.deepEqual((body.context as Record<string, unknown>).instance_name, 'maria');
    assert.equal((body.context as Record<string, unknown>).platform, 'kubernetes');
    assert.ok((body.context as Record<string, unknown>).clusterid, 'the cluster id is sent');
    const identity = puts[0]?.headers['x-broker-api-originating-identity'];
    assert.ok(typeof identity === 'string' && identity.startsWith('kubernetes '));
    const decoded = JSON.parse(Buffer.from(identity.split(' ')[1] ?? '', 'base64').toString('utf8')) as {
      extra?: Record<string, string[]>;
    };
    assert.deepEqual(decoded.extra?.['klutch.io/claim'], ['team-a/maria']);
  });

  void it('reports an unreachable broker with its URL, retries, and provisions exactly once when it is back', async () => {
    await broker.down();
    const mr = serviceInstanceMr({
      namespace: 'team-a',
      claim: 'outage',
      service: 'a9s-postgresql15',
      plan: 'postgresql-single-small',
    });
    await env.apply(mr);
    const name = mr.metadata.name ?? '';
    const synced = await waitFor('Synced=False', async () => {
      const c = condition(await instances.tryGet(name), 'Synced');
      return c?.status === 'False' ? c : undefined;
    });
    assert.match(
      synced.message ?? '',
      new RegExp(`${broker.url.replace(/[.]/g, '\\.')}.*unreachable|unreachable.*${broker.url}`),
    );
    assert.doesNotMatch(synced.message ?? '', /\n\s+at /, 'no stack trace');
    // Retried (the Event count grows) but with back-off, not in a tight loop.
    const counted = await waitFor(
      'repeated failures',
      async () => {
        const e = (await eventsFor(env.client, name)).find((x) => x.type === 'Warning');
        return e && (e.count ?? 1) >= 3 ? e : undefined;
      },
      30_000,
      200,
    );
    assert.ok((counted.count ?? 0) < 60, `retried ${counted.count} times: no back-off`);
    await broker.up();
    const obj = await ready(name);
    assert.equal(condition(obj, 'Synced')?.status, 'True');
    assert.equal(
      broker.requestsTo('PUT', osbPaths.instance(obj.metadata.uid)).length,
      1,
      'provisioned exactly once',
    );
  });

  void it('shows the broker description of a rejected provision in the condition and an Event', async () => {
    const description = 'Instance limit of the organization reached: delete an instance first';
    broker.script(
      'PUT',
      osbPaths.instance(),
      { status: 422, body: { error: 'LimitReached', description } },
      { times: Infinity },
    );
    const mr = serviceInstanceMr({
      namespace: 'team-b',
      claim: 'rejected',
      service: 'a9s-postgresql15',
      plan: 'postgresql-single-small',
    });
    await env.apply(mr);
    const name = mr.metadata.name ?? '';
    const synced = await waitFor('Synced=False', async () => {
      const c = condition(await instances.tryGet(name), 'Synced');
      return c?.status === 'False' ? c : undefined;
    });
    assert.equal(synced.message, description);
    const event = await waitFor('Warning event', async () =>
      (await eventsFor(env.client, name)).find((e) => e.type === 'Warning' && e.message === description),
    );
    assert.equal(event.reason, 'CannotCreateExternalResource');
    broker.resetScripts();
    await ready(name);
  });

  void it('names the plans that exist when the plan is unknown, without calling provision', async () => {
    const mr = serviceInstanceMr({
      namespace: 'team-b',
      claim: 'huge',
      service: 'a9s-postgresql15',
      plan: 'postgresql-single-huge',
    });
    await env.apply(mr);
    const synced = await waitFor('Synced=False', async () => {
      const c = condition(await instances.tryGet(mr.metadata.name ?? ''), 'Synced');
      return c?.status === 'False' ? c : undefined;
    });
    assert.equal(
      synced.message,
      'plan "postgresql-single-huge" does not exist for service "a9s-postgresql15" (available: postgresql-replica-small-ssl, postgresql-single-small)',
    );
    const obj = await instances.get(mr.metadata.name ?? '');
    assert.equal(broker.requestsTo('PUT', osbPaths.instance(obj.metadata.uid)).length, 0);
    await instances.delete(mr.metadata.name ?? '');
    await waitFor('deleted', async () =>
      (await instances.tryGet(mr.metadata.name ?? '')) ? undefined : true,
    );
  });

  void it('polls an operation that never finishes instead of repeating it', async () => {
    broker.behaviour.async = true;
    broker.behaviour.pollsUntilDone = 'never';
    try {
      const mr = serviceInstanceMr({
        namespace: 'team-c',
        claim: 'slow',
        service: 'a9s-postgresql15',
        plan: 'postgresql-single-small',
      });
      await env.apply(mr);
      const name = mr.metadata.name ?? '';
      const obj = await waitFor('pending operation', async () => {
        const o = await instances.tryGet(name);
        return o?.status?.pendingOperation ? o : undefined;
      });
      assert.match(
        String(obj.status?.pendingOperation),
        /^provision@\d+:/,
        'kind and acceptance time recorded',
      );
      const uid = obj.metadata.uid ?? '';
      await waitFor('several polls', () =>
        broker.requestsTo('GET', osbPaths.instanceLastOperation(uid)).length >= 4 ? true : undefined,
      );
      const current = await instances.get(name);
      assert.equal(condition(current, 'Ready')?.reason, 'Creating');
      assert.equal(broker.requestsTo('PUT', osbPaths.instance(uid)).length, 1, 'never repeated');
      // Once the broker finishes, the instance becomes Ready.
      broker.behaviour.pollsUntilDone = 0;
      const done = await ready(name);
      assert.equal(done.status?.pendingOperation, undefined);
      assert.equal(broker.requestsTo('PUT', osbPaths.instance(uid)).length, 1);
    } finally {
      broker.behaviour.async = false;
      broker.behaviour.pollsUntilDone = 1;
    }
  });

  void it('sends plan and parameter changes as an update with the desired parameters', async () => {
    const mr = serviceInstanceMr({
      namespace: 'team-c',
      claim: 'drift',
      service: 'a9s-postgresql15',
      plan: 'postgresql-single-small',
      parameters: { max_connections: 100, databases: ['a', 'b'] },
    });
    await env.apply(mr);
    const obj = await ready(mr.metadata.name ?? '');
    const uid = obj.metadata.uid ?? '';
    // Same values in another order: no update.
    await env.apply({
      ...mr,
      spec: {
        ...mr.spec,
        forProvider: {
          ...(mr.spec.forProvider as object),
          parameters: { databases: ['b', 'a'], max_connections: 100 },
        },
      },
    });
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(broker.requestsTo('PATCH', osbPaths.instance(uid)).length, 0);
    await env.apply({
      ...mr,
      spec: {
        ...mr.spec,
        forProvider: {
          ...(mr.spec.forProvider as object),
          planName: 'postgresql-replica-small-ssl',
          parameters: { max_connections: 200 },
        },
      },
    });
    const patch = await waitFor('PATCH', () => broker.requestsTo('PATCH', osbPaths.instance(uid))[0]);
    assert.deepEqual(patch.body, {
      service_id: 'a9s-postgresql15-service-id',
      plan_id: 'postgresql-replica-small-ssl-plan-id',
      // The full desired set (OSB defines no null): a removed parameter is not sent at all.
      parameters: { max_connections: 200 },
      context: (patch.body as Record<string, unknown>).context,
      previous_values: {
        service_id: 'a9s-postgresql15-service-id',
        plan_id: 'postgresql-single-small-plan-id',
      },
    });
    await waitFor('broker updated', () => {
      const inst = broker.instances.get(uid);
      return inst?.planId === 'postgresql-replica-small-ssl-plan-id' &&
        inst.parameters.max_connections === 200
        ? true
        : undefined;
    });
    await waitFor('atProvider updated', async () => {
      const o = await instances.get(mr.metadata.name ?? '');
      const at = o.status?.atProvider as Record<string, unknown>;
      return at.planId === 'postgresql-replica-small-ssl-plan-id' && condition(o, 'Ready')?.status === 'True'
        ? true
        : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(broker.requestsTo('PATCH', osbPaths.instance(uid)).length, 1, 'one update, no repeats');
  });

  void it('writes flattened credentials, waits with deprovisioning for bindings, and unbinds on delete', async () => {
    const inst = serviceInstanceMr({
      namespace: 'team-d',
      claim: 'pg',
      service: 'a9s-postgresql15',
      plan: 'postgresql-single-small',
    });
    const sb = serviceBindingMr({ namespace: 'team-d', claim: 'pg-binding', instance: 'pg' });
    await env.apply(sb);
    // The binding waits for its instance.
    const waiting = await waitFor('binding waits', async () => {
      const c = condition(await bindings.tryGet(sb.metadata.name), 'Synced');
      return c?.status === 'False' ? c : undefined;
    });
    assert.equal(waiting.message, 'waiting for service instance pg to be ready');
    await env.apply(inst);
    const instance = await ready(inst.metadata.name ?? '');
    const binding = await waitFor('binding Ready', async () => {
      const o = await bindings.tryGet(sb.metadata.name);
      return condition(o, 'Ready')?.status === 'True' ? o : undefined;
    });
    const secret = await secrets.get(sb.metadata.name, { namespace: 'klutch-system' });
    assert.equal(secret.type, 'connection.crossplane.io/v1alpha1');
    assert.equal(secret.metadata.ownerReferences?.[0]?.uid, binding.metadata.uid);
    const data = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    const stored = broker.bindings.get(`${instance.metadata.uid}/${binding.metadata.uid}`);
    assert.ok(stored, 'the binding id is the resource UID');
    assert.deepEqual(
      data,
      Object.fromEntries(Object.entries(stored.credentials).map(([k, v]) => [k, String(v)])),
    );
    const at = binding.status?.atProvider as Record<string, unknown>;
    assert.deepEqual(at.connectionDetails, [{ hostURL: '127.0.0.1', port: '5432', label: 'SQL' }]);
    assert.ok(
      !JSON.stringify(binding.status).includes(String(stored.credentials.password)),
      'no credentials in status',
    );

    await instances.delete(inst.metadata.name ?? '');
    const blocked = await waitFor('deletion blocked', async () => {
      const c = condition(await instances.tryGet(inst.metadata.name ?? ''), 'Ready');
      return c?.reason === 'Deleting' && c.message?.includes(sb.metadata.name) ? c : undefined;
    });
    assert.match(blocked.message ?? '', /Waiting for 1 ServiceBinding/);
    assert.equal(broker.requestsTo('DELETE', osbPaths.instance(instance.metadata.uid)).length, 0);

    await bindings.delete(sb.metadata.name);
    await waitFor('binding gone', async () => ((await bindings.tryGet(sb.metadata.name)) ? undefined : true));
    assert.equal(
      broker.requestsTo('DELETE', osbPaths.binding(instance.metadata.uid, binding.metadata.uid)).length,
      1,
    );
    assert.equal(await secrets.tryGet(sb.metadata.name, { namespace: 'klutch-system' }), undefined);
    await waitFor('instance gone', async () =>
      (await instances.tryGet(inst.metadata.name ?? '')) ? undefined : true,
    );
    assert.equal(broker.requestsTo('DELETE', osbPaths.instance(instance.metadata.uid)).length, 1);
    assert.equal(broker.instances.has(instance.metadata.uid ?? ''), false);
  });

  void it('rotates expiring credentials with predecessor_binding_id and unbinds the old binding', async () => {
    broker.behaviour.bindingTtlSeconds = 6;
    try {
      const inst = serviceInstanceMr({
        namespace: 'team-e',
        claim: 'pg',
        service: 'a9s-postgresql15',
        plan: 'postgresql-single-small',
      });
      const sb = serviceBindingMr({ namespace: 'team-e', claim: 'rotating', instance: 'pg' });
      await env.apply(inst, sb);
      const instance = await ready(inst.metadata.name ?? '');
      const first = await waitFor('binding Ready', async () => {
        const o = await bindings.tryGet(sb.metadata.name);
        return condition(o, 'Ready')?.status === 'True' ? o : undefined;
      });
      const uid = first.metadata.uid ?? '';
      const firstSecret = await secrets.get(sb.metadata.name, { namespace: 'klutch-system' });
      broker.behaviour.bindingTtlSeconds = undefined;
      const rotated = await waitFor(
        'rotation',
        async () => {
          const o = await bindings.get(sb.metadata.name);
          return o.metadata.annotations?.['crossplane.io/external-name'] === `${uid}-1` &&
            !o.metadata.annotations['dataservices.anynines.com/predecessor-binding-id']
            ? o
            : undefined;
        },
        20_000,
      );
      assert.equal(condition(rotated, 'Ready')?.status, 'True');
      const put = broker.requestsTo('PUT', osbPaths.binding(instance.metadata.uid, `${uid}-1`))[0];
      assert.equal((put?.body as Record<string, unknown>).predecessor_binding_id, uid);
      assert.equal(broker.requestsTo('DELETE', osbPaths.binding(instance.metadata.uid, uid)).length, 1);
      assert.equal(broker.bindings.has(`${instance.metadata.uid}/${uid}`), false);
      const secret = await secrets.get(sb.metadata.name, { namespace: 'klutch-system' });
      assert.notEqual(
        secret.data?.password,
        firstSecret.data?.password,
        'the Secret holds the new credentials',
      );
      const events = await eventsFor(env.client, sb.metadata.name);
      assert.ok(events.some((e) => e.reason === 'BindingRotated'));
      await env.kubectl([
        'delete',
        'servicebindings.dataservices.anynines.com',
        sb.metadata.name,
        '--wait=true',
      ]);
      await env.kubectl([
        'delete',
        'serviceinstances.dataservices.anynines.com',
        inst.metadata.name ?? '',
        '--wait=true',
      ]);
    } finally {
      broker.behaviour.bindingTtlSeconds = undefined;
    }
  });

  void it('checks ProviderConfig health, reports transitions as Events and serves /backend-health', async () => {
    const backendHealth = async () => {
      const res = await fetch(`${provider.healthUrl}/backend-health`);
      assert.equal(res.status, 200);
      return (await res.json()) as Record<string, string>;
    };
    const healthOf = async () =>
      (await providerConfigs.get('postgresql-service-broker')).status?.health as
        { lastStatus?: boolean; lastMessage?: string; lastCheckTime?: string } | undefined;
    await waitFor('healthy', async () => ((await healthOf())?.lastStatus === true ? true : undefined));
    await waitFor('both brokers ok', async () => {
      const h = await backendHealth();
      return h['mariadb-service-broker'] === 'ok' &&
        h['postgresql-service-broker'] === 'ok' &&
        Object.keys(h).length === 2
        ? true
        : undefined;
    });
    const pc = await providerConfigs.get('postgresql-service-broker');
    assert.equal(condition(pc, 'Healthy')?.status, 'True');

    await broker.down();
    try {
      const unhealthy = await waitFor('unhealthy', async () => {
        const h = await healthOf();
        return h?.lastStatus === false ? h : undefined;
      });
      assert.match(unhealthy.lastMessage ?? '', /unreachable/);
      assert.equal((await backendHealth())['postgresql-service-broker'], 'degraded');
      const failure = await waitFor('CheckFailure', async () =>
        (await eventsFor(env.client, 'postgresql-service-broker')).find((e) => e.reason === 'CheckFailure'),
      );
      assert.equal(failure.type, 'Warning');
      assert.match(failure.message, /^Health check failed: /);
    } finally {
      await broker.up();
    }
    await waitFor('healthy again', async () => ((await healthOf())?.lastStatus === true ? true : undefined));
    assert.equal((await backendHealth())['postgresql-service-broker'], 'ok');
    const events = await eventsFor(env.client, 'postgresql-service-broker');
    assert.equal(events.filter((e) => e.reason === 'CheckFailure').length, 1, 'one event per transition');
    assert.ok(events.filter((e) => e.reason === 'CheckSuccess').length >= 1);

    const metrics = await (await fetch(`${provider.healthUrl}/metrics`)).text();
    assert.match(metrics, /controller_reconcile_total\{controller="serviceinstance"/);
    assert.equal((await fetch(`${provider.healthUrl}/readyz`)).status, 200);
  });

  void it('reports backup and restore states without re-creating deleted backups or restoring failed ones', async (t) => {
    const state = { backup: 'running', restore: 'running' };
    const manager = await ScriptedHttpServer.start({
      defaultHandler: (req) => {
        if (req.path === '/instances') return { status: 200, body: [] };
        if (req.method === 'POST' && /^\/instances\/[^/]+\/backups$/.test(req.path)) {
          return { status: 201, body: { id: 7, message: 'queued' } };
        }
        if (req.method === 'GET' && /^\/instances\/[^/]+\/backups\/7$/.test(req.path)) {
          return { status: 200, body: { id: 7, status: state.backup, size: 1024 } };
        }
        if (req.method === 'DELETE' && /^\/instances\/[^/]+\/backups\/7$/.test(req.path)) {
          return { status: 200, body: { message: 'deleted' } };
        }
        if (req.method === 'POST' && /\/backups\/7\/restore$/.test(req.path))
          return { status: 202, body: { id: 9 } };
        if (req.method === 'GET' && /^\/instances\/[^/]+\/restores\/9$/.test(req.path)) {
          return { status: 200, body: { id: 9, backup_id: 7, status: state.restore } };
        }
        return { status: 404, body: { description: `no route ${req.method} ${req.path}` } };
      },
    });
    t.after(() => manager.close());
    await env.apply(...providerConfigObjects('postgresql-backup-manager', manager.url, brokerAuth));
    const backups = new ResourceClient<Obj>(env.client, backupScope);
    const restores = new ResourceClient<Obj>(env.client, restoreScope);
    const inst = serviceInstanceMr({
      namespace: 'team-g',
      claim: 'pg',
      service: 'a9s-postgresql15',
      plan: 'postgresql-single-small',
    });
    await env.apply(inst);
    const instance = await ready(inst.metadata.name ?? '');
    const bk = backupMr({ namespace: 'team-g', claim: 'nightly', instance: 'pg' });
    await env.apply(bk);
    const readyOf = async (client: ResourceClient<Obj>, name: string, reason: string, message?: RegExp) =>
      waitFor(`${name} Ready ${reason}`, async () => {
        const o = await client.tryGet(name);
        const c = condition(o, 'Ready');
        return c?.reason === reason && (!message || message.test(c.message ?? '')) ? o : undefined;
      });
    const running = await readyOf(backups, bk.metadata.name, 'Creating');
    const at = () => running.status?.atProvider as Record<string, unknown>;
    await waitFor('backup id recorded', async () => {
      const o = await backups.get(bk.metadata.name);
      return (o.status?.atProvider as Record<string, unknown> | undefined)?.id === 7 ? true : undefined;
    });
    assert.ok(at());
    const posted = manager.requestsTo('POST', '/instances/*/backups');
    assert.equal(posted[0]?.path, `/instances/${instance.metadata.uid}/backups`);

    state.backup = 'failed';
    await readyOf(backups, bk.metadata.name, 'Unavailable', /Backup has failed/);
    const rs = restoreMr({ namespace: 'team-g', claim: 'undo', backup: 'nightly' });
    await env.apply(rs);
    const refused = await waitFor('restore refused', async () => {
      const c = condition(await restores.tryGet(rs.metadata.name), 'Synced');
      return c?.status === 'False' ? c : undefined;
    });
    assert.equal(
      refused.message,
      'backup nightly has failed and cannot be restored: take a new backup and restore that one',
    );
    assert.equal(
      manager.requestsTo('POST', '/instances/*/backups/*/restore').length,
      0,
      'no restore request for a failed backup',
    );

    state.backup = 'deleted';
    await readyOf(
      backups,
      bk.metadata.name,
      'Unavailable',
      /^Backup has been deleted at the backup manager\.$/,
    );
    state.backup = 'exploded';
    const unknown = await waitFor('unknown status', async () => {
      const c = condition(await backups.tryGet(bk.metadata.name), 'Synced');
      return c?.status === 'False' ? c : undefined;
    });
    assert.match(unknown.message ?? '', /unknown status "exploded"/);
    assert.equal(manager.requestsTo('POST', '/instances/*/backups').length, 1, 'never taken again');

    state.backup = 'done';
    await readyOf(backups, bk.metadata.name, 'Available');
    await readyOf(restores, rs.metadata.name, 'Creating', /running/);
    assert.equal(manager.requestsTo('POST', '/instances/*/backups/*/restore').length, 1);
    await restores.delete(rs.metadata.name);
    await readyOf(restores, rs.metadata.name, 'Deleting', /still running/);
    state.restore = 'done';
    await waitFor('restore deleted', async () =>
      (await restores.tryGet(rs.metadata.name)) ? undefined : true,
    );
    await backups.delete(bk.metadata.name);
    await waitFor('backup deleted', async () =>
      (await backups.tryGet(bk.metadata.name)) ? undefined : true,
    );
    assert.equal(manager.requestsTo('DELETE', '/instances/*/backups/7').length, 1);
    await instances.delete(inst.metadata.name ?? '');
    await waitFor('instance deleted', async () =>
      (await instances.tryGet(inst.metadata.name ?? '')) ? undefined : true,
    );
  });

  void it('runs as a program with leader election, health endpoints and a clean shutdown', async (t) => {
    // The in-process provider stops first: only one provider may drive these resources.
    stop.abort();
    await provider.done;
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        'packages/provider/src/main.ts',
        '--kubeconfig',
        env.cluster.kubeconfigPath,
        '--leader-election',
        '--leader-election-namespace',
        'klutch-system',
        '--health-address',
        `127.0.0.1:${port}`,
        '--poll',
        '2s',
        '--operation-poll-interval',
        '300ms',
        '--log-level',
        'silent',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'exit');
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      'readyz',
      async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined),
      30_000,
      200,
    );
    assert.equal(await (await fetch(`${base}/healthz`)).text(), 'ok\n');
    const health = (await (await fetch(`${base}/backend-health`)).json()) as Record<string, string>;
    assert.deepEqual(Object.keys(health).sort(), [
      'mariadb-service-broker',
      'postgresql-backup-manager',
      'postgresql-service-broker',
    ]);
    const leases = new ResourceClient<KubeObject & { spec?: { holderIdentity?: string } }>(env.client, {
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      namespaced: true,
    });
    const lease = await waitFor('lease', async () => {
      const l = await leases.tryGet('klutch-provider', { namespace: 'klutch-system' });
      return l?.spec?.holderIdentity ? l : undefined;
    });
    assert.ok(lease.spec?.holderIdentity);
    const mr = serviceInstanceMr({
      namespace: 'team-f',
      claim: 'cli',
      service: 'a9s-postgresql15',
      plan: 'postgresql-single-small',
    });
    await env.apply(mr);
    await ready(mr.metadata.name ?? '');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, stderr);
  });
});
