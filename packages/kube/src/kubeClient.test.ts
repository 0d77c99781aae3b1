import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import { connect, createServer as createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { eventually } from '@klutch/testenv';
import { KubeClient } from './kubeClient.js';
import { KubeConfig } from './kubeConfig.js';
import { LeadershipLostError, runUnderLeadership } from './leadershipScope.js';

/** Records uncaught exceptions until stop() (the test runner would otherwise fail the file). */
function captureUncaught(): { readonly error: unknown; stop(): void } {
  let error: unknown;
  const listener = (err: unknown) => (error = err);
  process.prependListener('uncaughtException', listener);
  return {
    get error() {
      return error;
    },
    stop: () => process.removeListener('uncaughtException', listener),
  };
}

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
    const kc = KubeConfig.forServer(`http://127.0.0.1:${port}`, { token: 'not-a-secret' });
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
    const kc = KubeConfig.forServer(`http://127.0.0.1:${port}`, { token: 't' });
    const client = new KubeClient(kc);
    const uncaught = captureUncaught();
    try {
      // Start a watch and leave it unread, then close the client under it.
      const events = client.watch({ path: '/api/v1/configmaps', query: { watch: 1 } });
      // The watch ends (or fails) instead of hanging, and nothing is raised as uncaught.
      const ended = events.next().then(
        (r) => r.done,
        () => true,
      );
      await client.close(100);
      assert.equal(await ended, true);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(uncaught.error, undefined);
    } finally {
      uncaught.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('HTTP/2 streams of the process', () => {
  it('never raise an error as uncaught once a client exists, whoever lost the listener', async () => {
    const kc = KubeConfig.forServer('https://127.0.0.1:1');
    new KubeClient(kc); // installs the guard
    const server = createSecureServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const session = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    session.on('error', () => undefined);
    const uncaught = captureUncaught();
    try {
      const stream = session.request({ ':path': '/' });
      assert.equal(stream.listenerCount('error'), 1, 'the guard listens');
      // What undici sometimes ends up with: the stream destroyed with an error, no listener of its own.
      stream.destroy(new Error('session torn down'));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(uncaught.error, undefined);
    } finally {
      uncaught.stop();
      session.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('KubeClient under a leadership term', () => {
  it('aborts requests in flight when the term ends and refuses new ones', async () => {
    const arrived: string[] = [];
    const server = createServer((req) => {
      arrived.push(`${req.method} ${req.url}`);
      // Never answers: the hang of a stalled API server.
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const client = new KubeClient(KubeConfig.forServer(`http://127.0.0.1:${port}`, { token: 't' }));
    const leadership = new AbortController();
    try {
      const inFlight = runUnderLeadership(leadership.signal, () =>
        client.request({ method: 'PUT', path: '/api/v1/namespaces/ns/configmaps/x', body: {} }),
      );
      await eventually(() => assert.equal(arrived.length, 1), 10_000, 10); // sent, never answered
      const startedAt = performance.now();
      leadership.abort(new Error('lease not renewed within 10000 ms'));
      await assert.rejects(inFlight);
      assert.ok(performance.now() - startedAt < 1000, 'aborted at once, not after the request timeout');
      await assert.rejects(
        runUnderLeadership(leadership.signal, () =>
          client.request({ method: 'DELETE', path: '/api/v1/namespaces/ns/configmaps/x' }),
        ),
        (err: unknown) =>
          err instanceof LeadershipLostError &&
          /no longer holds the lease \(lease not renewed/.test(err.message),
      );
      assert.deepEqual(arrived, ['PUT /api/v1/namespaces/ns/configmaps/x'], 'the refused request never left');
      // Work outside the term is not affected.
      server.removeAllListeners('request');
      server.on('request', (_req, res: ServerResponse) => res.end('{}'));
      assert.deepEqual(await client.request({ method: 'GET', path: '/version' }), {});
    } finally {
      await client.close(500);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
