import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Informer } from './informer.js';
import { KubeClient } from './kubeClient.js';
import { KubeConfig } from './kubeConfig.js';
import { silentLogger } from './logger.js';
import { ResourceClient } from './resourceClient.js';

describe('Informer.start', () => {
  it('does not start when its owner signal is already aborted', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"metadata":{"resourceVersion":"1"},"items":[]}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const kc = KubeConfig.forServer(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
      token: 't',
    });
    const client = new KubeClient(kc);
    try {
      const resource = new ResourceClient(client, {
        group: '',
        version: 'v1',
        resource: 'configmaps',
        namespaced: true,
      });
      const stopped = new AbortController();
      stopped.abort();
      const informer = new Informer({ resource, logger: silentLogger() });
      informer.start(stopped.signal);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(requests, 0, 'no list or watch was sent');
      assert.equal(informer.hasSynced(), false);
      await informer.stop(); // nothing to stop, returns at once
    } finally {
      await client.close();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('Informer.waitForSync', () => {
  it('rejects at once for a signal that is already aborted', async () => {
    const kc = KubeConfig.forServer('http://127.0.0.1:9');
    const client = new KubeClient(kc);
    const resource = new ResourceClient(client, {
      group: '',
      version: 'v1',
      resource: 'configmaps',
      namespaced: true,
    });
    const informer = new Informer({ resource, logger: silentLogger() });
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(informer.waitForSync(aborted.signal));
    await client.close();
  });
});
