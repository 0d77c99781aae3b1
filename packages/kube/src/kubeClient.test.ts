import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { KubeClient } from './kubeClient.js';
import { KubeConfig } from './kubeConfig.js';

describe('KubeClient.close', () => {
  it('lets a request in flight get its answer, then refuses new ones', async () => {
    const server = createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"kind":"Status","status":"Success"}');
      }, 300);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'not-a-secret' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const client = new KubeClient(kc);
    try {
      const pending = client.request<{ status: string }>({ method: 'GET', path: '/version' });
      await new Promise((r) => setTimeout(r, 50)); // dispatched, answer not yet sent
      const closed = client.close();
      assert.equal((await pending).status, 'Success');
      await closed;
      await assert.rejects(client.request({ method: 'GET', path: '/version' }), /client is closed/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('KubeClient response bodies', () => {
  it('do not crash the process when their connection is destroyed while nobody reads them', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED",'); // a body that never ends, like a watch
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const client = new KubeClient(kc);
    let uncaught: unknown;
    const onUncaught = (err: unknown) => (uncaught = err);
    process.prependListener('uncaughtException', onUncaught);
    try {
      // Start a watch and leave it unread, then close the client under it.
      const events = client.watch({ path: '/api/v1/configmaps', query: { watch: 1 } });
      const first = events.next();
      await client.close(100);
      await assert.rejects(first);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(uncaught, undefined);
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
