import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { KubeConfig, loadKubeConfig, type ConnectionOptions } from './kubeConfig.js';
import {
  RemoteKubeConfigError,
  inlineMaterialRule,
  loadRemoteKubeConfig,
  remoteKubeConfigViolations,
} from './remoteKubeConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'klutch-remote-kubeconfig-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443', ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace: 'team' } }],
    'current-context': 'x',
  };
}

const fields = (doc: unknown) => remoteKubeConfigViolations(doc).map((v) => v.field);

describe('kubeconfig of another cluster', () => {
  it('accepts inline token, inline client certificate and key, inline CA, tls-server-name and extensions', async () => {
    const doc = kubeconfig(
      { token: 'tok', 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
      {
        'certificate-authority-data': b64('CA'),
        'tls-server-name': 'api.internal',
        'insecure-skip-tls-verify': false,
        extensions: [{ name: 'x', extension: { any: 'thing' } }],
      },
    );
    assert.deepEqual(remoteKubeConfigViolations(doc), []);
    const kc = loadRemoteKubeConfig(stringify(doc));
    const o: ConnectionOptions = {};
    await kc.applyToHTTPSOptions(o);
    assert.equal(o.headers?.authorization, 'Bearer tok');
    assert.equal(o.ca?.toString(), 'CA');
    assert.equal(o.cert?.toString(), 'CERT');
    assert.equal(o.servername, 'api.internal');
    // No CA at all means the system trust store.
    assert.deepEqual(fields(kubeconfig({ token: 't' })), []);
  });

  it('names every forbidden field with its index and says why', () => {
    const cases: Array<[doc: unknown, field: string, why: RegExp]> = [
      [
        kubeconfig({ exec: { command: 'kubelogin' } }),
        'users[0].user.exec',
        /runs a program on the local machine/,
      ],
      [
        kubeconfig({ 'auth-provider': { name: 'gcp' } }),
        'users[0].user.auth-provider',
        /runs an authentication plugin/,
      ],
      [
        kubeconfig({ tokenFile: '/var/run/secrets/token' }),
        'users[0].user.tokenFile',
        /file .*service-account token/,
      ],
      [
        kubeconfig({ 'client-certificate': 'c.pem', 'client-key-data': b64('K') }),
        'users[0].user.client-certificate',
        /names a file/,
      ],
      [
        kubeconfig({ 'client-certificate-data': b64('C'), 'client-key': 'k.pem' }),
        'users[0].user.client-key',
        /names a file/,
      ],
      [kubeconfig({ username: 'admin' }), 'users[0].user.username', /basic auth/],
      [kubeconfig({ password: 'pw' }), 'users[0].user.password', /basic auth/],
      [kubeconfig({ 'client-certificate-data': b64('C') }), 'users[0].user.client-key-data', /is missing/],
      [kubeconfig({ 'client-key-data': b64('K') }), 'users[0].user.client-certificate-data', /is missing/],
      [
        kubeconfig({}, { 'certificate-authority': '/etc/ca.pem' }),
        'clusters[0].cluster.certificate-authority',
        /names a file/,
      ],
      [
        kubeconfig({}, { 'insecure-skip-tls-verify': true }),
        'clusters[0].cluster.insecure-skip-tls-verify',
        /certificate/,
      ],
      [
        kubeconfig({}, { 'insecure-skip-tls-verify': 'true' }),
        'clusters[0].cluster.insecure-skip-tls-verify',
        /certificate/,
      ],
      [
        kubeconfig({}, { 'proxy-url': 'http://proxy:3128' }),
        'clusters[0].cluster.proxy-url',
        /another server/,
      ],
      [
        kubeconfig({}, { server: 'http://127.0.0.1:8080' }),
        'clusters[0].cluster.server',
        /is http, not https.*unencrypted/,
      ],
      [kubeconfig({}, { server: 'not a url' }), 'clusters[0].cluster.server', /is not a URL/],
      [kubeconfig({}, { server: 42 }), 'clusters[0].cluster.server', /is not a URL/],
    ];
    for (const [doc, field, why] of cases) {
      const v = remoteKubeConfigViolations(doc);
      assert.equal(v.length, 1, `${field}: ${JSON.stringify(v)}`);
      assert.equal(v[0]?.field, field);
      assert.match(v[0]?.problem ?? '', why, field);
      assert.throws(
        () => loadRemoteKubeConfig(stringify(doc)),
        (err: unknown) =>
          err instanceof RemoteKubeConfigError &&
          err.message.includes(field) &&
          err.message.endsWith(inlineMaterialRule),
      );
    }
  });

  it('checks every cluster and user, not only the current context, and lists every violation', () => {
    const doc = {
      ...kubeconfig({ token: 't' }),
      clusters: [
        { name: 'c', cluster: { server: 'https://127.0.0.1:6443' } },
        { name: 'spare', cluster: { server: 'https://10.0.0.1', 'certificate-authority': 'ca.pem' } },
      ],
      users: [
        { name: 'u', user: { token: 't' } },
        { name: 'spare', user: { exec: { command: 'sh' }, tokenFile: 't' } },
      ],
    };
    assert.deepEqual(fields(doc), [
      'clusters[1].cluster.certificate-authority',
      'users[1].user.exec',
      'users[1].user.tokenFile',
    ]);
  });

  it('runs, reads and contacts nothing for a refused kubeconfig', () => {
    const marker = join(dir, 'ran');
    const plugin = join(dir, 'plugin.sh');
    writeFileSync(plugin, `#!/bin/sh\ntouch "${marker}"\n`);
    chmodSync(plugin, 0o755);
    assert.throws(
      () => loadRemoteKubeConfig(stringify(kubeconfig({ exec: { command: plugin } }))),
      RemoteKubeConfigError,
    );
    assert.equal(existsSync(marker), false);
    // The program's own kubeconfig keeps the full format.
    assert.ok(
      loadKubeConfig({ text: stringify(kubeconfig({ exec: { command: plugin } })) }).getCurrentUser()?.exec,
    );
  });

  it('still refuses what every kubeconfig needs: YAML, a current cluster, a server', () => {
    assert.throws(() => loadRemoteKubeConfig('clusters: ['), /not valid YAML/);
    assert.throws(() => loadRemoteKubeConfig('[1, 2]'), /not a mapping/);
    assert.throws(
      () => loadRemoteKubeConfig(stringify({ ...kubeconfig({ token: 't' }), 'current-context': 'nope' })),
      /no current cluster/,
    );
    assert.throws(
      () => loadRemoteKubeConfig(stringify(kubeconfig({ token: 't' }, { server: '' }))),
      /has no server/,
    );
  });

  it('a KubeConfig restricted to inline material refuses files, programs, plain http and skipped checks when connecting', async () => {
    const token = join(dir, 'token');
    writeFileSync(token, 'local-secret');
    const attempts: Array<[KubeConfig, RegExp]> = [
      [KubeConfig.forServer('https://127.0.0.1:1', { tokenFile: token }), /tokenFile names the file/],
      [
        KubeConfig.forServer('https://127.0.0.1:1', { certFile: token, keyData: b64('K') }),
        /client-certificate/,
      ],
      [KubeConfig.forServer('https://127.0.0.1:1', { exec: { command: 'true' } }), /exec runs true/],
      [KubeConfig.forServer('http://127.0.0.1:1', { token: 't' }), /is not https/],
    ];
    const skip = KubeConfig.forServer('https://127.0.0.1:1', { token: 't' });
    skip.clusters[0] = { name: 'default', server: 'https://127.0.0.1:1', skipTLSVerify: true };
    attempts.push([skip, /insecure-skip-tls-verify/]);
    const ca = KubeConfig.forServer('https://127.0.0.1:1', { token: 't' });
    ca.clusters[0] = { name: 'default', server: 'https://127.0.0.1:1', caFile: token };
    attempts.push([ca, /certificate-authority names the file/]);
    for (const [kc, why] of attempts) {
      const o: ConnectionOptions = {};
      await assert.rejects(kc.restrictToInlineMaterial().applyToHTTPSOptions(o), why);
      assert.equal(o.headers, undefined);
    }
  });
});
