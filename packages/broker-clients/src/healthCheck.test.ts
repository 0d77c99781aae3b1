import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { checkBrokerHealth } from './healthCheck.js';
import { ScriptedHttpServer } from './testing/scriptedHttpServer.js';

async function server(t: TestContext): Promise<ScriptedHttpServer> {
  const s = await ScriptedHttpServer.start();
  t.after(() => s.close());
  return s;
}

describe('checkBrokerHealth', () => {
  it('servicebroker: GET <url>/<endpoint> with OSB headers; only 200 is healthy', async (t) => {
    const s = await server(t);
    s.script('GET', '/osb_ext/v1/healthy', [{ status: 200 }, { status: 204 }]);
    const auth = { username: 'admin', password: 'pw' };
    assert.deepEqual(
      await checkBrokerHealth('servicebroker', { url: `${s.url}/`, auth }, 'osb_ext/v1/healthy'),
      {
        healthy: true,
        message: 'Available',
      },
    );
    const [req] = s.requests;
    assert.equal(req?.method, 'GET');
    assert.equal(req?.path, '/osb_ext/v1/healthy');
    assert.equal(req?.headers['x-broker-api-version'], '2.17');
    assert.equal(req?.headers.authorization, `Basic ${Buffer.from('admin:pw').toString('base64')}`);
    assert.deepEqual(await checkBrokerHealth('servicebroker', { url: s.url, auth }, '/osb_ext/v1/healthy'), {
      healthy: false,
      message: 'Received unexpected status 204',
    });
  });

  it('servicebroker: the default endpoint is /v2/catalog, which every OSB broker has', async (t) => {
    const s = await server(t);
    s.script('GET', '/v2/catalog', { status: 200, body: { services: [] } });
    assert.equal((await checkBrokerHealth('servicebroker', { url: s.url })).healthy, true);
    assert.equal(s.requests[0]?.path, '/v2/catalog');
  });

  it('backupmanager: GET <url><endpoint> with basic auth; any 2xx is healthy', async (t) => {
    const s = await server(t);
    s.script('GET', '/v2/healthy', [{ status: 204 }, { status: 500 }]);
    const conn = { url: s.url, auth: { username: 'bm', password: 'x' } };
    assert.deepEqual(await checkBrokerHealth('backupmanager', conn, '/v2/healthy'), {
      healthy: true,
      message: 'Available',
    });
    assert.equal(s.requests[0]?.method, 'GET');
    assert.equal(s.requests[0]?.headers['x-broker-api-version'], undefined);
    assert.deepEqual(await checkBrokerHealth('backupmanager', conn, '/v2/healthy'), {
      healthy: false,
      message: 'Received unexpected status 500',
    });
  });

  it('reports an unreachable backend and a timeout', async (t) => {
    const s = await server(t);
    s.script('GET', '/v2/catalog', { hang: true });
    const slow = await checkBrokerHealth('servicebroker', { url: s.url }, undefined, { timeoutMs: 200 });
    assert.deepEqual(slow, { healthy: false, message: 'unreachable: no answer within 200 ms' });
    await s.down();
    const down = await checkBrokerHealth('backupmanager', { url: s.url });
    assert.equal(down.healthy, false);
    assert.match(down.message, /^unreachable: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('reports unusable settings as unhealthy instead of throwing', async () => {
    const r = await checkBrokerHealth('servicebroker', { url: 'https://x', caPem: 'junk' });
    assert.deepEqual(r, {
      healthy: false,
      message:
        'the service broker CA bundle contains no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks)',
    });
  });
});
