import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it, type TestContext } from 'node:test';
import {
  osbPaths,
  startFaultInjectingBroker,
  type FaultInjectingBrokerOptions,
} from './faultInjectingBroker.js';
import { pathPatternToRegExp } from './scriptedHttpServer.js';

const V = { 'x-broker-api-version': '2.17' };

async function broker(t: TestContext, opts: FaultInjectingBrokerOptions = {}) {
  const b = await startFaultInjectingBroker(opts);
  t.after(() => b.close());
  return b;
}

async function send(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = V,
) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    headers: res.headers,
  };
}

describe('FaultInjectingBroker', () => {
  it('behaves like a small broker by default', async (t) => {
    const b = await broker(t);
    const cat = await send(b.url, 'GET', '/v2/catalog');
    assert.equal(cat.status, 200);
    const ids = { service_id: 'a9s-postgresql15-service-id', plan_id: 'postgresql-single-small-plan-id' };
    assert.equal((await send(b.url, 'PUT', '/v2/service_instances/i1', ids)).status, 201);
    assert.equal((await send(b.url, 'PUT', '/v2/service_instances/i1', ids)).status, 200);
    assert.equal(
      (await send(b.url, 'GET', '/v2/service_instances/i1/last_operation')).json?.state,
      'succeeded',
    );
    assert.equal(
      (await send(b.url, 'PUT', '/v2/service_instances/i1', { ...ids, plan_id: 'x' })).status,
      400,
    );
    assert.equal(
      (await send(b.url, 'DELETE', '/v2/service_instances/i1')).status,
      400,
      'query parameters required',
    );
    const q = `?service_id=${ids.service_id}&plan_id=${ids.plan_id}`;
    assert.equal((await send(b.url, 'DELETE', `/v2/service_instances/i1${q}`)).status, 200);
    assert.equal((await send(b.url, 'DELETE', `/v2/service_instances/i1${q}`)).status, 410);
    assert.equal((await send(b.url, 'GET', '/instances/i1')).json?.error, 'InstanceNotFound');
    assert.equal((await send(b.url, 'GET', '/v2/catalog', undefined, {})).status, 412);
    assert.deepEqual(b.handlerErrors, []);
  });

  it('requires its credentials when configured', async (t) => {
    const b = await broker(t, { auth: { username: 'u', password: 'p' } });
    assert.equal((await send(b.url, 'GET', '/v2/catalog')).status, 401);
    const ok = await send(b.url, 'GET', '/v2/catalog', undefined, {
      ...V,
      authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
    });
    assert.equal(ok.status, 200);
  });

  it('answers scripted steps in order, then falls back to the default', async (t) => {
    const b = await broker(t);
    b.script('GET', osbPaths.catalog, [
      { status: 500, body: { description: 'first' } },
      { status: 200, rawBody: '{bad', headers: { 'x-test': '1' } },
    ]);
    const one = await send(b.url, 'GET', '/v2/catalog');
    assert.equal(one.status, 500);
    const two = await fetch(`${b.url}/v2/catalog`, { headers: V });
    assert.equal(await two.text(), '{bad');
    assert.equal(two.headers.get('x-test'), '1');
    assert.equal((await send(b.url, 'GET', '/v2/catalog')).status, 200);
    assert.equal(b.pendingScripts(), 0);
    b.script('*', '/v2/**', { status: 418 }, { times: Infinity });
    assert.equal((await send(b.url, 'GET', '/v2/catalog')).status, 418);
    assert.equal((await send(b.url, 'DELETE', '/v2/service_instances/x')).status, 418);
    b.resetScripts();
    assert.equal((await send(b.url, 'GET', '/v2/catalog')).status, 200);
  });

  it('can compute answers from the request and pass through after a delay', async (t) => {
    const b = await broker(t);
    b.script('PUT', osbPaths.instance(), (req) => ({
      status: 400,
      body: { description: `got ${String((req.body as { plan_id?: string }).plan_id)}` },
    }));
    assert.equal(
      (await send(b.url, 'PUT', '/v2/service_instances/a', { plan_id: 'p' })).json?.description,
      'got p',
    );
    b.script('GET', osbPaths.catalog, { delayMs: 150, passThrough: true, headers: { 'x-delayed': 'yes' } });
    const started = Date.now();
    const res = await send(b.url, 'GET', '/v2/catalog');
    assert.ok(Date.now() - started >= 140);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-delayed'), 'yes');
    assert.ok(Array.isArray(res.json?.services));
  });

  it('records method, path, query, headers and parsed body', async (t) => {
    const b = await broker(t);
    await send(b.url, 'PATCH', '/v2/service_instances/abc?accepts_incomplete=true', { service_id: 's' });
    const [r] = b.requestsTo('PATCH', osbPaths.instance('abc'));
    assert.equal(r?.method, 'PATCH');
    assert.equal(r?.path, '/v2/service_instances/abc');
    assert.deepEqual(r?.query, { accepts_incomplete: 'true' });
    assert.equal(r?.headers['x-broker-api-version'], '2.17');
    assert.deepEqual(r?.body, { service_id: 's' });
    b.clearRequests();
    assert.equal(b.requests.length, 0);
  });

  it('destroys connections on request', async (t) => {
    const b = await broker(t);
    b.script('GET', osbPaths.catalog, { destroyConnection: true });
    await assert.rejects(send(b.url, 'GET', '/v2/catalog'));
    assert.equal(b.requestsTo('GET', osbPaths.catalog).length, 1);
  });

  it('goes down and comes back on the same port, dropping requests in flight', async (t) => {
    const b = await broker(t);
    const port = b.port;
    b.script('GET', osbPaths.catalog, { hang: true });
    const inFlight = new Promise<string>((resolve) => {
      const req = request(`${b.url}/v2/catalog`, { headers: V }, () => resolve('answered'));
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      req.end();
    });
    while (b.requestsTo('GET', osbPaths.catalog).length === 0) await new Promise((r) => setTimeout(r, 5));
    await b.down();
    assert.equal(b.isUp, false);
    assert.equal(await inFlight, 'ECONNRESET');
    await assert.rejects(send(b.url, 'GET', '/v2/catalog'));
    await b.up();
    assert.equal(b.port, port);
    assert.equal((await send(b.url, 'GET', '/v2/catalog')).status, 200);
  });

  it('runs asynchronous operations that finish after N polls or never', async (t) => {
    const b = await broker(t, { async: true, pollsUntilDone: 2, retryAfterSeconds: 7 });
    const ids = { service_id: 'a9s-postgresql15-service-id', plan_id: 'postgresql-single-small-plan-id' };
    assert.equal(
      (await send(b.url, 'PUT', '/v2/service_instances/s', ids)).status,
      422,
      'AsyncRequired without accepts_incomplete',
    );
    const p = await send(b.url, 'PUT', '/v2/service_instances/a?accepts_incomplete=true', ids);
    assert.equal(p.status, 202);
    const poll = () => send(b.url, 'GET', '/v2/service_instances/a/last_operation');
    const first = await poll();
    assert.equal(first.json?.state, 'in progress');
    assert.equal(first.headers.get('retry-after'), '7');
    assert.equal((await poll()).json?.state, 'in progress');
    assert.equal((await poll()).json?.state, 'succeeded');
    b.behaviour.pollsUntilDone = 'never';
    await send(b.url, 'PATCH', '/v2/service_instances/a?accepts_incomplete=true', {
      service_id: ids.service_id,
    });
    for (let i = 0; i < 5; i++) assert.equal((await poll()).json?.state, 'in progress');
    assert.equal(b.instances.get('a')?.state, 'updating');
  });
});

describe('pathPatternToRegExp', () => {
  it('matches one segment with * and :name, the rest with **', () => {
    assert.ok(pathPatternToRegExp('/v2/service_instances/*').test('/v2/service_instances/abc'));
    assert.equal(
      pathPatternToRegExp('/v2/service_instances/*').test('/v2/service_instances/abc/last_operation'),
      false,
    );
    assert.ok(
      pathPatternToRegExp('/v2/service_instances/:id/last_operation').test(
        '/v2/service_instances/x/last_operation',
      ),
    );
    assert.ok(pathPatternToRegExp('/v2/**').test('/v2/a/b/c'));
    assert.equal(pathPatternToRegExp('/v2.catalog').test('/v2xcatalog'), false, 'dots are literal');
  });
});
