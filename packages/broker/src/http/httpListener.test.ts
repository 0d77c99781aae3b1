import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@klutch/kube';
import { HttpError } from './httpErrors.js';
import { startListener } from './httpListener.js';
import type { RunningListener } from './httpListener.js';
import type { Route } from './router.js';

const credentials = { username: 'u', password: 'p' };
const auth = `Basic ${Buffer.from('u:p').toString('base64')}`;

const routes: Route[] = [
  {
    method: 'GET',
    pattern: '/healthz',
    public: true,
    handler: () => Promise.resolve({ status: 200, body: { ok: true } }),
  },
  {
    method: 'PUT',
    pattern: '/v2/things/:id',
    osb: true,
    handler: (r) => Promise.resolve({ status: 201, body: { id: r.params.id, got: r.body } }),
  },
  {
    method: 'GET',
    pattern: '/fail/:how',
    handler: (r) =>
      r.params.how === 'http'
        ? Promise.reject(new HttpError(409, { error: 'Conflict', description: 'taken' }))
        : Promise.reject(new Error('database went away')),
  },
];

describe('startListener', () => {
  let listener: RunningListener;
  before(async () => {
    listener = await startListener({
      name: 'test',
      address: '127.0.0.1:0',
      routes,
      credentials,
      logger: silentLogger(),
    });
  });
  after(async () => {
    await listener.close();
  });

  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
    const r = await fetch(`${listener.url}${path}`, { method, headers, body });
    const text = await r.text();
    return {
      status: r.status,
      headers: r.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  };

  it('serves public routes without credentials and asks for them elsewhere', async () => {
    assert.equal((await call('GET', '/healthz')).status, 200);
    const denied = await call('PUT', '/v2/things/a');
    assert.equal(denied.status, 401);
    assert.match(String(denied.body.description), /basic auth/);
    assert.equal(denied.headers.get('www-authenticate'), 'Basic realm="klutch-broker"');
  });

  it('checks the OSB version after authentication and passes JSON bodies and parameters', async () => {
    assert.equal((await call('PUT', '/v2/things/a', { authorization: auth })).status, 412);
    const ok = await call(
      'PUT',
      '/v2/things/a%2Fb',
      { authorization: auth, 'x-broker-api-version': '2.17', 'x-broker-api-request-identity': 'req-1' },
      '{"x":1}',
    );
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.body, { id: 'a/b', got: { x: 1 } });
    assert.equal(ok.headers.get('x-broker-api-request-identity'), 'req-1');
  });

  it('answers malformed and oversized bodies, unknown paths and wrong methods with error bodies', async () => {
    const headers = { authorization: auth, 'x-broker-api-version': '2.17' };
    const bad = await call('PUT', '/v2/things/a', headers, '{nope');
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.description), /not valid JSON/);
    assert.equal((await call('PUT', '/v2/things/a', headers, 'x'.repeat(1024 * 1024 + 1))).status, 413);
    assert.equal((await call('GET', '/elsewhere', headers)).status, 404);
    const wrong = await call('DELETE', '/v2/things/a', headers);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'PUT');
  });

  it('turns handler errors into their status, and unexpected ones into 500 with a description', async () => {
    const conflict = await call('GET', '/fail/http', { authorization: auth });
    assert.deepEqual([conflict.status, conflict.body], [409, { error: 'Conflict', description: 'taken' }]);
    const crash = await call('GET', '/fail/crash', { authorization: auth });
    assert.equal(crash.status, 500);
    assert.match(String(crash.body.description), /database went away/);
  });

  it('answers HEAD like GET without a body', async () => {
    const r = await fetch(`${listener.url}/healthz`, { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), '');
  });
});
