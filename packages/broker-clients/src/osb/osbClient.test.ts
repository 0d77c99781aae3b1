import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  startFaultInjectingBroker,
  osbPaths,
  type FaultInjectingBrokerOptions,
} from '../testing/faultInjectingBroker.js';
import { kubernetesContext } from './kubernetesContext.js';
import { OsbClient, type OsbClientOptions } from './osbClient.js';
import { CatalogLookupError, OsbError, OsbMalformedResponseError, OsbTimeoutError } from './osbErrors.js';

const PG = { serviceId: 'a9s-postgresql15-service-id', planId: 'postgresql-single-small-plan-id' };

async function setup(
  t: TestContext,
  brokerOpts: FaultInjectingBrokerOptions = {},
  clientOpts: Partial<OsbClientOptions> = {},
) {
  const broker = await startFaultInjectingBroker(brokerOpts);
  t.after(() => broker.close());
  const client = new OsbClient({ url: broker.url, ...clientOpts });
  t.after(() => client.close());
  return { broker, client };
}

async function osbError(p: Promise<unknown>): Promise<OsbError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof OsbError, `expected an OsbError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('OsbClient against the fault-injecting broker', () => {
  it('provisions, updates, polls and deprovisions synchronously', async (t) => {
    const { broker, client } = await setup(t);
    const created = await client.provision('i-1', { ...PG, parameters: { max_connections: 100 } });
    assert.deepEqual(created, { kind: 'sync', alreadyExisted: false });
    const again = await client.provision('i-1', { ...PG, parameters: { max_connections: 100 } });
    assert.equal(again.alreadyExisted, true, '200 = already existed with identical attributes');
    const updated = await client.update('i-1', {
      serviceId: PG.serviceId,
      parameters: { max_connections: 200 },
    });
    assert.equal(updated.kind, 'sync');
    assert.deepEqual(broker.instances.get('i-1')?.parameters, { max_connections: 200 });
    assert.deepEqual(await client.lastOperation('i-1'), { state: 'succeeded' });
    const instance = await client.fetchInstance('i-1');
    assert.equal(instance.planId, PG.planId);
    assert.deepEqual(instance.parameters, { max_connections: 200 });
    assert.deepEqual(await client.deprovision('i-1', PG), { kind: 'sync', gone: false });
    assert.equal(broker.instances.size, 0);
    const del = broker.requestsTo('DELETE', osbPaths.instance('i-1'))[0];
    assert.deepEqual(del?.query, {
      service_id: PG.serviceId,
      plan_id: PG.planId,
      accepts_incomplete: 'true',
    });
  });

  it('sends the provision body the OSB way, with the kubernetes context', async (t) => {
    const { broker, client } = await setup(t);
    const context = kubernetesContext({ namespace: 'team-a', clusterId: 'c-1', instanceName: 'orders-db' });
    await client.provision('i-ctx', {
      ...PG,
      parameters: { a: 1 },
      context,
      organizationGuid: 'org',
      spaceGuid: 'space',
      maintenanceInfo: { version: '1.0.0' },
    });
    const put = broker.requestsTo('PUT', osbPaths.instance('i-ctx'))[0];
    assert.deepEqual(put?.body, {
      service_id: PG.serviceId,
      plan_id: PG.planId,
      organization_guid: 'org',
      space_guid: 'space',
      parameters: { a: 1 },
      context: { platform: 'kubernetes', namespace: 'team-a', clusterid: 'c-1', instance_name: 'orders-db' },
      maintenance_info: { version: '1.0.0' },
    });
    assert.deepEqual(put?.query, { accepts_incomplete: 'true' });
    await client.provision('i-sync', PG, { acceptsIncomplete: false });
    assert.deepEqual(broker.requestsTo('PUT', osbPaths.instance('i-sync'))[0]?.query, {});
  });

  it('reports asynchronous operations and polls them to the end', async (t) => {
    const { broker, client } = await setup(t, { async: true, pollsUntilDone: 1, retryAfterSeconds: 3 });
    const p = await client.provision('i-async', PG);
    assert.equal(p.kind, 'async');
    assert.match(p.operation ?? '', /^op-provision-/);
    const first = await client.lastOperation('i-async', { operation: p.operation, ...PG });
    assert.equal(first.state, 'in progress');
    assert.equal(first.retryAfterMs, 3000);
    assert.deepEqual(broker.requestsTo('GET', osbPaths.instanceLastOperation('i-async'))[0]?.query, {
      operation: p.operation,
      service_id: PG.serviceId,
      plan_id: PG.planId,
    });
    assert.equal((await client.lastOperation('i-async', { operation: p.operation })).state, 'succeeded');
    const d = await client.deprovision('i-async', PG);
    assert.equal(d.kind, 'async');
    assert.equal((await client.lastOperation('i-async', { operation: d.operation })).state, 'in progress');
    assert.deepEqual(await client.lastOperation('i-async', { operation: d.operation }), {
      state: 'succeeded',
      gone: true,
    });
  });

  it('treats 410 Gone on deprovision and unbind as success', async (t) => {
    const { client } = await setup(t);
    assert.deepEqual(await client.deprovision('never-existed', PG), { kind: 'sync', gone: true });
    await client.provision('i-410', PG);
    assert.deepEqual(await client.unbind('i-410', 'never-bound', PG), { kind: 'sync', gone: true });
  });

  it('turns 410 while polling a delete into succeeded, and into an error when asked not to', async (t) => {
    const { broker, client } = await setup(t);
    broker.script('GET', osbPaths.instanceLastOperation(), { status: 410, body: {} }, { times: 2 });
    assert.deepEqual(await client.lastOperation('x'), { state: 'succeeded', gone: true });
    const err = await osbError(client.lastOperation('x', { deleting: false }));
    assert.ok(err.isGone());
    broker.script('GET', osbPaths.bindingLastOperation(), { status: 410, body: {} });
    assert.deepEqual(await client.bindingLastOperation('x', 'b'), { state: 'succeeded', gone: true });
  });

  it('classifies 422 AsyncRequired', async (t) => {
    const { client } = await setup(t, { async: true });
    const err = await osbError(client.provision('i', PG, { acceptsIncomplete: false }));
    assert.equal(err.status, 422);
    assert.ok(err.isAsyncRequired());
    assert.ok(err.isUnprocessable());
    assert.equal(err.isConcurrencyError(), false);
    assert.equal(err.retryable, false);
    assert.equal(
      err.userMessage,
      'This service plan requires client support for asynchronous service operations.',
    );
  });

  it('classifies 422 ConcurrencyError as retryable', async (t) => {
    const { broker, client } = await setup(t);
    broker.script('PATCH', osbPaths.instance(), {
      status: 422,
      body: {
        error: 'ConcurrencyError',
        description: 'Another operation for this service instance is in progress.',
      },
    });
    const err = await osbError(client.update('i', { serviceId: PG.serviceId }));
    assert.ok(err.isConcurrencyError());
    assert.equal(err.retryable, true);
    assert.equal(err.userMessage, 'Another operation for this service instance is in progress.');
  });

  it('classifies 422 RequiresApp', async (t) => {
    const { broker, client } = await setup(t);
    broker.script('PUT', osbPaths.binding(), {
      status: 422,
      body: {
        error: 'RequiresApp',
        description: 'This service supports generation of credentials through binding an application only.',
      },
    });
    const err = await osbError(client.bind('i', 'b', PG));
    assert.ok(err.isRequiresApp());
    assert.equal(err.retryable, false);
    assert.match(err.userMessage, /binding an application only/);
  });

  it('classifies 422 MaintenanceInfoConflict and keeps instance_usable', async (t) => {
    const { broker, client } = await setup(t);
    broker.script('PATCH', osbPaths.instance(), {
      status: 422,
      body: {
        error: 'MaintenanceInfoConflict',
        description: 'The maintenance_info.version field provided in the request does not match the catalog.',
        instance_usable: true,
        update_repeatable: false,
      },
    });
    const err = await osbError(
      client.update('i', { serviceId: PG.serviceId, maintenanceInfo: { version: '2.0.0' } }),
    );
    assert.ok(err.isMaintenanceInfoConflict());
    assert.equal(err.instanceUsable, true);
    assert.equal(err.updateRepeatable, false);
  });

  it('surfaces 409 Conflict with the broker description as the user message', async (t) => {
    const { client } = await setup(t);
    await client.provision('i-409', PG);
    const err = await osbError(client.provision('i-409', { ...PG, parameters: { different: true } }));
    assert.ok(err.isConflict());
    assert.equal(err.userMessage, 'instance i-409 already exists with different attributes');
    assert.equal(err.description, err.userMessage);
    assert.equal(err.operation, 'provision');
    assert.match(
      err.message,
      /^OSB provision failed: instance i-409 already exists .*\[status 409, request [0-9a-f-]{36}\]$/,
    );
  });

  it('surfaces 412 Precondition Failed (missing or unsupported version header) with the description', async (t) => {
    const { broker } = await setup(t);
    const raw = await fetch(`${broker.url}/v2/catalog`);
    assert.equal(raw.status, 412);
    broker.script('GET', osbPaths.catalog, {
      status: 412,
      body: { description: 'The provided service broker API version is not supported' },
    });
    const client = new OsbClient({ url: broker.url });
    t.after(() => client.close());
    const err = await osbError(client.getCatalog());
    assert.ok(err.isPreconditionFailed());
    assert.equal(err.userMessage, 'The provided service broker API version is not supported');
    broker.script('GET', osbPaths.catalog, { status: 412, rawBody: '' });
    const bare = await osbError(client.getCatalog());
    assert.match(bare.userMessage, /412 Precondition Failed.*OSB API version 2\.17/);
  });

  it('classifies 400 Bad Request and writes its own message without a description', async (t) => {
    const { broker, client } = await setup(t);
    broker.script('PUT', osbPaths.instance(), { status: 400, rawBody: 'not json at all' });
    const err = await osbError(client.provision('i', PG));
    assert.ok(err.isBadRequest());
    assert.equal(err.userMessage, `the service broker at ${broker.url} answered 400 without a description`);
    broker.script('PUT', osbPaths.instance(), { status: 500, body: { error: 'InternalError' } });
    const e500 = await osbError(client.provision('i', PG));
    assert.equal(
      e500.userMessage,
      `the service broker at ${broker.url} answered 500 (InternalError) without a description`,
    );
    assert.equal(e500.retryable, true);
  });

  it('reports a broker that is down as a retryable error with a clear message, and recovers', async (t) => {
    const { broker, client } = await setup(t);
    await client.provision('i-down', PG);
    await broker.down();
    const err = await osbError(client.lastOperation('i-down'));
    assert.ok(err.isUnreachable());
    assert.equal(err.retryable, true);
    assert.equal(err.requestSent, false);
    assert.equal(err.status, undefined);
    assert.match(
      err.userMessage,
      new RegExp(
        `^the service broker at ${broker.url} is unreachable: connect ECONNREFUSED 127\\.0\\.0\\.1:${broker.port}$`,
      ),
    );
    assert.doesNotMatch(err.userMessage, /\n\s+at /, 'no stack trace');
    await broker.up();
    assert.equal((await client.lastOperation('i-down')).state, 'succeeded');
  });

  it('times out with OsbTimeoutError', async (t) => {
    const { broker, client } = await setup(t, {}, { timeoutMs: 200 });
    broker.script('GET', osbPaths.catalog, { hang: true });
    const err = await osbError(client.getCatalog());
    assert.ok(err instanceof OsbTimeoutError);
    assert.ok(err.isTimeout());
    assert.equal(err.retryable, true);
    assert.match(err.userMessage, /did not answer in time: no answer within 200 ms/);
  });

  it('rethrows the reason of an aborted signal unchanged', async (t) => {
    const { broker, client } = await setup(t);
    broker.script('GET', osbPaths.catalog, { hang: true });
    const ac = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => ac.abort(reason), 50);
    await assert.rejects(client.getCatalog({ signal: ac.signal }), (err) => err === reason);
  });

  it('rejects malformed JSON in success answers with OsbMalformedResponseError', async (t) => {
    const { broker, client } = await setup(t);
    const secret = 'hunter2-secret';
    broker.script('PUT', osbPaths.binding(), {
      status: 201,
      rawBody: `{"credentials": {"password": "${secret}"`,
    });
    const err = await osbError(client.bind('i', 'b', PG));
    assert.ok(err instanceof OsbMalformedResponseError);
    assert.ok(err.isMalformedResponse());
    assert.equal(err.status, 201);
    assert.equal(err.reason, 'the body is not valid JSON');
    assert.doesNotMatch(err.message, new RegExp(secret));
    broker.script('GET', osbPaths.instanceLastOperation(), { status: 200, body: { state: 'done' } });
    const badState = await osbError(client.lastOperation('i'));
    assert.ok(badState instanceof OsbMalformedResponseError);
    assert.match(badState.userMessage, /"state" is "done", not one of in progress, succeeded, failed/);
    broker.script('GET', osbPaths.catalog, { status: 200, body: [] });
    const arr = await osbError(client.getCatalog());
    assert.match(
      arr.userMessage,
      /answered 200 with a malformed body: the body is JSON an array, a JSON object was expected/,
    );
    broker.script('PUT', osbPaths.instance(), { status: 202, body: { operation: 42 } });
    const op = await osbError(client.provision('i', PG));
    assert.match(op.userMessage, /"operation" is a number, not a string/);
  });

  it('sends the version, originating identity, request identity and basic auth headers', async (t) => {
    const auth = { username: 'broker-admin', password: 's3cr3t' };
    const { broker, client } = await setup(t, { auth }, { auth });
    const identity = { username: 'jane@example.com', uid: 'u-1', groups: ['team-a'] };
    await client.provision('i-h', PG, {
      originatingIdentity: { value: identity },
      requestIdentity: 'req-123',
    });
    await client.getCatalog();
    const [put] = broker.requestsTo('PUT', osbPaths.instance('i-h'));
    assert.ok(put);
    assert.equal(put.headers['x-broker-api-version'], '2.17');
    assert.equal(put.headers.authorization, `Basic ${Buffer.from('broker-admin:s3cr3t').toString('base64')}`);
    assert.equal(put.headers['x-broker-api-request-identity'], 'req-123');
    assert.equal(put.headers['content-type'], 'application/json');
    assert.equal(put.headers.accept, 'application/json');
    const [platform, encoded] = String(put.headers['x-broker-api-originating-identity']).split(' ');
    assert.equal(platform, 'kubernetes');
    assert.deepEqual(JSON.parse(Buffer.from(encoded ?? '', 'base64').toString('utf8')), identity);
    const [cat] = broker.requestsTo('GET', osbPaths.catalog);
    assert.match(String(cat?.headers['x-broker-api-request-identity']), /^[0-9a-f-]{36}$/);
    assert.equal(cat?.headers['x-broker-api-originating-identity'], undefined);
    assert.equal(cat?.headers['content-type'], undefined);
  });

  it('sends bearer tokens, takes credentials from the URL, and keeps them out of errors', async (t) => {
    const { broker } = await setup(t, { auth: { bearerToken: 'tok-abc' } });
    const bearer = new OsbClient({ url: broker.url, auth: { bearerToken: 'tok-abc' } });
    t.after(() => bearer.close());
    await bearer.getCatalog();
    assert.equal(broker.requests.at(-1)?.headers.authorization, 'Bearer tok-abc');
    const wrong = new OsbClient({ url: broker.url.replace('http://', 'http://admin:wrong-pass@') });
    t.after(() => wrong.close());
    const err = await osbError(wrong.getCatalog());
    assert.equal(err.status, 401);
    assert.equal(
      broker.requests.at(-1)?.headers.authorization,
      `Basic ${Buffer.from('admin:wrong-pass').toString('base64')}`,
    );
    assert.equal(wrong.url, broker.url);
    assert.doesNotMatch(`${err.message} ${err.userMessage}`, /wrong-pass/);
    assert.match(err.userMessage, /rejected the credentials \(401 Unauthorized\)/);
  });

  it('caches the catalog for the TTL and shares concurrent fetches', async (t) => {
    const { broker, client } = await setup(t, {}, { catalogTtlMs: 300 });
    await Promise.all([client.getCatalog(), client.getCatalog(), client.getCatalog()]);
    await client.findServiceAndPlan('a9s-postgresql15', 'postgresql-single-small');
    assert.equal(broker.requestsTo('GET', osbPaths.catalog).length, 1);
    await new Promise((r) => setTimeout(r, 350));
    await client.getCatalog();
    assert.equal(broker.requestsTo('GET', osbPaths.catalog).length, 2);
    client.invalidateCatalog();
    await client.getCatalog();
    assert.equal(broker.requestsTo('GET', osbPaths.catalog).length, 3);
  });

  it('fetches the catalog every time with TTL 0', async (t) => {
    const { broker, client } = await setup(t, {}, { catalogTtlMs: 0 });
    await client.getCatalog();
    await client.getCatalog();
    assert.equal(broker.requestsTo('GET', osbPaths.catalog).length, 2);
  });

  it('finds services and plans, with user-facing errors', async (t) => {
    const { client } = await setup(t);
    const { service, plan } = await client.findServiceAndPlan(
      'a9s-postgresql15',
      'postgresql-replica-small-ssl',
    );
    assert.equal(service.id, 'a9s-postgresql15-service-id');
    assert.equal(plan.maximum_polling_duration, 3600);
    await assert.rejects(
      client.findServiceAndPlan('a9s-mongodb70', 'x'),
      (err) =>
        err instanceof CatalogLookupError &&
        err.message ===
          `service "a9s-mongodb70" is not in the broker's catalog (available: a9s-mariadb1011, a9s-postgresql15)`,
    );
    await assert.rejects(
      client.findServiceAndPlan('a9s-mariadb1011', 'mariadb-single-small'),
      (err) =>
        err instanceof CatalogLookupError &&
        err.message ===
          'plan "mariadb-single-small" does not exist for service "a9s-mariadb1011" (available: mariadb-single-small-ssl)',
    );
  });

  it('binds with credentials and rotation metadata, fetches and unbinds', async (t) => {
    const { broker, client } = await setup(t, { bindingTtlSeconds: 3600 });
    await client.provision('i-b', PG);
    const before = Date.now();
    const bound = await client.bind('i-b', 'b-1', {
      ...PG,
      parameters: { role: 'app' },
      bindResource: { appGuid: 'app-1' },
    });
    assert.equal(bound.kind, 'sync');
    assert.equal(bound.alreadyExisted, false);
    assert.equal(bound.credentials?.host, '127.0.0.1');
    assert.ok(bound.expiresAt instanceof Date && bound.expiresAt.getTime() >= before + 3_590_000);
    assert.ok(bound.renewBefore instanceof Date && bound.renewBefore < bound.expiresAt);
    const put = broker.requestsTo('PUT', osbPaths.binding('i-b', 'b-1'))[0];
    assert.deepEqual(put?.body, {
      service_id: PG.serviceId,
      plan_id: PG.planId,
      parameters: { role: 'app' },
      bind_resource: { app_guid: 'app-1' },
      app_guid: 'app-1',
    });
    const again = await client.bind('i-b', 'b-1', { ...PG, parameters: { role: 'app' } });
    assert.equal(again.alreadyExisted, true);
    assert.deepEqual(again.credentials, bound.credentials);
    const fetched = await client.fetchBinding('i-b', 'b-1');
    assert.deepEqual(fetched.credentials, bound.credentials);
    assert.deepEqual(fetched.parameters, { role: 'app' });
    assert.deepEqual(fetched.expiresAt, bound.expiresAt);
    const rotated = await client.bind('i-b', 'b-2', { ...PG, predecessorBindingId: 'b-1' });
    assert.notDeepEqual(rotated.credentials, bound.credentials);
    assert.equal(
      (broker.requestsTo('PUT', osbPaths.binding('i-b', 'b-2'))[0]?.body as Record<string, unknown>)
        .predecessor_binding_id,
      'b-1',
    );
    assert.deepEqual(await client.unbind('i-b', 'b-1', PG), { kind: 'sync', gone: false });
    const gone = await osbError(client.fetchBinding('i-b', 'b-1'));
    assert.ok(gone.isNotFound());
  });

  it('binds asynchronously and polls the binding operation', async (t) => {
    const { broker, client } = await setup(t, { pollsUntilDone: 0 });
    await client.provision('i-ab', PG);
    broker.behaviour.async = true;
    const bound = await client.bind('i-ab', 'b', PG);
    assert.equal(bound.kind, 'async');
    assert.equal(bound.credentials, undefined);
    assert.equal(
      (await client.bindingLastOperation('i-ab', 'b', { operation: bound.operation })).state,
      'succeeded',
    );
    assert.ok((await client.fetchBinding('i-ab', 'b')).credentials);
    const unbound = await client.unbind('i-ab', 'b', PG);
    assert.equal(unbound.kind, 'async');
    assert.deepEqual(await client.bindingLastOperation('i-ab', 'b', { operation: unbound.operation }), {
      state: 'succeeded',
      gone: true,
    });
  });

  it('parses binding endpoints, volume mounts and route fields', async (t) => {
    const { broker, client } = await setup(t);
    broker.script('PUT', osbPaths.binding(), {
      status: 201,
      body: {
        credentials: { uri: 'x' },
        syslog_drain_url: 'syslog://logs',
        route_service_url: 'https://route',
        endpoints: [{ host: '10.0.0.1', ports: ['5432'], protocol: 'tcp' }],
        volume_mounts: [
          {
            driver: 'nfs',
            container_dir: '/data',
            mode: 'rw',
            device_type: 'shared',
            device: { volume_id: 'v1', mount_config: { a: 1 } },
          },
        ],
      },
    });
    const r = await client.bind('i', 'b', PG);
    assert.equal(r.syslogDrainUrl, 'syslog://logs');
    assert.equal(r.routeServiceUrl, 'https://route');
    assert.deepEqual(r.endpoints, [{ host: '10.0.0.1', ports: ['5432'], protocol: 'tcp' }]);
    assert.deepEqual(r.volumeMounts, [
      {
        driver: 'nfs',
        containerDir: '/data',
        mode: 'rw',
        deviceType: 'shared',
        device: { volumeId: 'v1', mountConfig: { a: 1 } },
      },
    ]);
  });

  it('probes the a9s extension once and fetches a9s instances', async (t) => {
    const { broker, client } = await setup(t);
    assert.equal(await client.supportsA9sExtensions(), true);
    assert.equal(await client.supportsA9sExtensions(), true);
    assert.equal(broker.requestsTo('GET', osbPaths.a9sInstance()).length, 1);
    await client.provision('i-a9s', PG, { acceptsIncomplete: false });
    const a9s = await client.fetchA9sInstance('i-a9s');
    assert.equal(a9s.state, 'provisioned');
    assert.equal(a9s.planGuid, PG.planId);
    assert.equal(a9s.guidAtTenant, 'i-a9s');
    const missing = await osbError(client.fetchA9sInstance('nope'));
    assert.ok(missing.isInstanceNotFound());
  });

  it('decides that a broker without the a9s extension does not support it', async (t) => {
    const { client } = await setup(t, { a9sExtensions: false });
    assert.equal(await client.supportsA9sExtensions(), false);
    const { broker: b405, client: c405 } = await setup(t);
    b405.script('GET', osbPaths.a9sInstance(), { status: 405, rawBody: '' });
    assert.equal(await c405.supportsA9sExtensions(), false);
    const { broker: b500, client: c500 } = await setup(t);
    b500.script('GET', osbPaths.a9sInstance(), { status: 500, rawBody: '' });
    const err = await osbError(c500.supportsA9sExtensions());
    assert.equal(err.status, 500);
    assert.equal(await c500.supportsA9sExtensions(), true, 'a failed probe is asked again');
  });

  it('rejects impossible settings at construction', () => {
    assert.throws(
      () => new OsbClient({ url: 'http://x', timeoutMs: 0 }),
      /timeout must be a positive number/,
    );
    assert.throws(() => new OsbClient({ url: 'http://x', catalogTtlMs: -1 }), /catalog cache TTL/);
    assert.throws(() => new OsbClient({ url: 'http://x', platform: 'two words' }), /platform name/);
    assert.throws(() => new OsbClient({ url: 'mailto:x' }), /must start with http/);
  });
});
