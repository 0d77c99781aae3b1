import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { BrokerTestbed } from './testing/brokerTestbed.js';
import { findRepositoryRoot } from './testing/osbOpenApi.js';

function httpsGet(
  url: string,
  ca: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS listeners', () => {
  let pki = '';
  let tb: BrokerTestbed | undefined;
  before(async () => {
    pki = await mkdtemp(join(tmpdir(), 'klutch-broker-pki-'));
    await promisify(execFile)(join(findRepositoryRoot(import.meta.dirname), 'bin', 'kcluster'), [
      'pki',
      '--dir',
      pki,
    ]);
    tb = await BrokerTestbed.start({
      tls: {
        cert: await readFile(join(pki, 'apiserver.crt')),
        key: await readFile(join(pki, 'apiserver.key')),
      },
    });
  });
  after(async () => {
    await tb?.cleanup();
    await rm(pki, { recursive: true, force: true });
  });

  it('serves both APIs over TLS with the given certificate', async () => {
    assert.ok(tb);
    assert.match(tb.broker.osbUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(tb.broker.backupManagerUrl, /^https:/);
    const ca = await readFile(join(pki, 'ca.crt'));
    const auth = `Basic ${Buffer.from(`${tb.options.username}:${tb.options.password}`).toString('base64')}`;
    const catalog = await httpsGet(`${tb.broker.osbUrl}/v2/catalog`, ca, {
      authorization: auth,
      'x-broker-api-version': '2.17',
    });
    assert.equal(catalog.status, 200);
    assert.ok((JSON.parse(catalog.body) as { services: unknown[] }).services.length > 0);
    assert.equal(
      (await httpsGet(`${tb.broker.backupManagerUrl}/v2/healthy`, ca, { authorization: auth })).status,
      200,
    );
    await assert.rejects(httpsGet(`${tb.broker.osbUrl}/healthz`, Buffer.from(''), {}), /certificate/);
  });
});
