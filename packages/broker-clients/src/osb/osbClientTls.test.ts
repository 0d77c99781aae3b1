import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { checkBrokerHealth } from '../healthCheck.js';
import { ClientConfigurationError } from '../http/displayUrl.js';
import { startFaultInjectingBroker, type FaultInjectingBroker } from '../testing/faultInjectingBroker.js';
import { generateTestCertificates, type TestCertificates } from '../testing/testCertificates.js';
import { OsbClient, type OsbClientOptions } from './osbClient.js';
import { OsbError } from './osbErrors.js';

describe('OsbClient over TLS with a custom CA', () => {
  let pki: TestCertificates;
  let broker: FaultInjectingBroker;

  before(async () => {
    pki = generateTestCertificates();
    broker = await startFaultInjectingBroker({ tls: { certPem: pki.certPem, keyPem: pki.keyPem } });
  });
  after(async () => {
    await broker?.close();
    pki?.cleanup();
  });

  function client(t: TestContext, opts: Partial<OsbClientOptions>): OsbClient {
    const c = new OsbClient({ url: broker.url, ...opts });
    t.after(() => c.close());
    return c;
  }

  it('serves HTTPS on 127.0.0.1', () => {
    assert.match(broker.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('trusts the broker with the CA bundle', async (t) => {
    const catalog = await client(t, { caPem: pki.caPem }).getCatalog();
    assert.ok(catalog.services.length > 0);
  });

  it('refuses an unknown CA with a TLS error that was never sent', async (t) => {
    await assert.rejects(client(t, {}).getCatalog(), (err) => {
      assert.ok(err instanceof OsbError);
      assert.ok(err.isUnreachable());
      assert.equal(err.requestSent, false);
      assert.match(err.userMessage, /is unreachable: TLS: .*certificate/);
      return true;
    });
  });

  it('skips verification only when told to', async (t) => {
    const catalog = await client(t, { insecureSkipVerify: true }).getCatalog();
    assert.ok(catalog.services.length > 0);
  });

  it('checks the certificate against the server name override', async (t) => {
    assert.ok(
      (await client(t, { caPem: pki.caPem, serverName: 'localhost' }).getCatalog()).services.length > 0,
    );
    await assert.rejects(
      client(t, { caPem: pki.caPem, serverName: 'broker.example.com' }).getCatalog(),
      (err) => {
        assert.ok(err instanceof OsbError);
        assert.match(err.userMessage, /TLS: .*broker\.example\.com/);
        return true;
      },
    );
  });

  it('refuses a CA bundle together with insecureSkipVerify', () => {
    assert.throws(
      () => new OsbClient({ url: broker.url, caPem: pki.caPem, insecureSkipVerify: true }),
      (err) => err instanceof ClientConfigurationError && /use one of them/.test(err.userMessage),
    );
  });

  it('health-checks the HTTPS broker with the CA', async () => {
    assert.deepEqual(await checkBrokerHealth('servicebroker', { url: broker.url, caPem: pki.caPem }), {
      healthy: true,
      message: 'Available',
    });
    const untrusted = await checkBrokerHealth('servicebroker', { url: broker.url });
    assert.equal(untrusted.healthy, false);
    assert.match(untrusted.message, /^unreachable: TLS: /);
  });
});
