import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { KubeConfig, loadKubeConfig, type ConnectionOptions } from './kubeConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'klutch-kubeconfig-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (s: string) => Buffer.from(s).toString('base64');

function write(name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : stringify(doc));
  return path;
}

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

async function connection(kc: KubeConfig): Promise<ConnectionOptions> {
  const opts: ConnectionOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return opts;
}

describe('kubeconfig loading', () => {
  it('reads inline data: CA, client certificate and key, token, server name, skip-verify', async () => {
    const kc = loadKubeConfig({
      text: stringify(
        kubeconfig(
          { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY'), token: 'tok' },
          { 'certificate-authority-data': b64('CA'), 'tls-server-name': 'api.internal' },
        ),
      ),
    });
    assert.equal(kc.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    assert.equal(kc.getCurrentContextObject()?.namespace, 'team');
    const o = await connection(kc);
    assert.equal(o.ca?.toString(), 'CA');
    assert.equal(o.cert?.toString(), 'CERT');
    assert.equal(o.key?.toString(), 'KEY');
    assert.equal(o.servername, 'api.internal');
    assert.equal(o.headers?.authorization, 'Bearer tok');
    assert.equal(o.rejectUnauthorized, undefined);
    const insecure = loadKubeConfig({
      text: stringify(kubeconfig({}, { 'insecure-skip-tls-verify': true })),
    });
    assert.equal((await connection(insecure)).rejectUnauthorized, false);
  });

  it('resolves file paths against the kubeconfig folder and rereads token files', async () => {
    writeFileSync(join(dir, 'ca.pem'), 'CA-FILE');
    writeFileSync(join(dir, 'token'), 'first\n');
    const path = write(
      'relative.yaml',
      kubeconfig({ tokenFile: 'token' }, { 'certificate-authority': 'ca.pem' }),
    );
    const kc = loadKubeConfig({ file: path });
    assert.equal(kc.getCurrentCluster()?.caFile, join(dir, 'ca.pem'));
    assert.equal((await connection(kc)).ca?.toString(), 'CA-FILE');
    assert.equal((await connection(kc)).headers?.authorization, 'Bearer first');
    writeFileSync(join(dir, 'token'), 'second');
    assert.equal((await connection(kc)).headers?.authorization, 'Bearer second');
  });

  it('uses basic auth when there is no token', async () => {
    const kc = loadKubeConfig({ text: stringify(kubeconfig({ username: 'admin', password: 'pw' })) });
    const o = await connection(kc);
    assert.equal(o.auth, 'admin:pw');
    assert.equal(o.headers?.authorization, undefined);
  });

  it('runs an exec credential plugin with KUBERNETES_EXEC_INFO and reuses the credential until it expires', async () => {
    const counter = join(dir, 'exec-count');
    writeFileSync(counter, '');
    const script = write(
      'plugin.sh',
      `#!/bin/sh
echo run >> "${counter}"
echo "$KUBERNETES_EXEC_INFO" > "${join(dir, 'exec-info')}"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"2999-01-01T00:00:00Z"}}' "$PLUGIN_TOKEN"
`,
    );
    chmodSync(script, 0o755);
    const kc = loadKubeConfig({
      text: stringify(
        kubeconfig({
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: script,
            env: [{ name: 'PLUGIN_TOKEN', value: 'from-plugin' }],
            provideClusterInfo: true,
          },
        }),
      ),
    });
    assert.equal((await connection(kc)).headers?.authorization, 'Bearer from-plugin');
    assert.equal((await connection(kc)).headers?.authorization, 'Bearer from-plugin');
    assert.equal(readFileSync(counter, 'utf8').trim().split('\n').length, 1, 'the plugin ran once');
    const info = JSON.parse(readFileSync(join(dir, 'exec-info'), 'utf8')) as {
      kind: string;
      spec: { interactive: boolean; cluster?: { server: string } };
    };
    assert.equal(info.kind, 'ExecCredential');
    assert.equal(info.spec.interactive, false);
    assert.equal(info.spec.cluster?.server, 'https://127.0.0.1:6443');
  });

  it('says what is wrong with a failing or silent exec plugin', async () => {
    const failing = loadKubeConfig({
      text: stringify(kubeconfig({ exec: { command: 'false', installHint: 'install the plugin' } })),
    });
    await assert.rejects(connection(failing), /credential plugin false failed.*install the plugin/s);
    const silent = loadKubeConfig({ text: stringify(kubeconfig({ exec: { command: 'true' } })) });
    await assert.rejects(connection(silent), /did not print an ExecCredential/);
  });

  it('merges the files of KUBECONFIG; the first file wins for names and current-context', () => {
    const first = write('first.yaml', kubeconfig({ token: 'one' }));
    const second = write('second.yaml', {
      ...kubeconfig({ token: 'two' }),
      clusters: [
        { name: 'c', cluster: { server: 'https://second:6443' } },
        { name: 'other', cluster: { server: 'https://other:6443' } },
      ],
      contexts: [{ name: 'y', context: { cluster: 'other', user: 'u' } }],
      'current-context': 'y',
    });
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = `${first}:${join(dir, 'missing.yaml')}:${second}`;
    try {
      const kc = loadKubeConfig();
      assert.equal(kc.currentContext, 'x');
      assert.equal(kc.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
      assert.equal(kc.getCurrentUser()?.token, 'one');
      assert.equal(loadKubeConfig({ context: 'y' }).getCurrentCluster()?.server, 'https://other:6443');
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it('loads the in-cluster service account', async () => {
    const sa = mkdtempSync(join(dir, 'sa-'));
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'ca.crt'), 'SA-CA');
    writeFileSync(join(sa, 'namespace'), 'klutch-system');
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = 'fd00::1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    try {
      const kc = new KubeConfig();
      kc.loadFromCluster(sa);
      assert.equal(kc.getCurrentCluster()?.server, 'https://[fd00::1]:443');
      assert.equal(kc.getCurrentContextObject()?.namespace, 'klutch-system');
      const o = await connection(kc);
      assert.equal(o.headers?.authorization, 'Bearer sa-token');
      assert.equal(o.ca?.toString(), 'SA-CA');
    } finally {
      for (const [k, v] of [
        ['KUBERNETES_SERVICE_HOST', saved.host],
        ['KUBERNETES_SERVICE_PORT', saved.port],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    assert.throws(() => new KubeConfig().loadFromCluster(sa), /not running in a cluster/);
  });

  it('builds a one-context kubeconfig for a server in code', async () => {
    const kc = KubeConfig.forServer('https://10.0.0.1:6443', { token: 'abc' });
    assert.equal(kc.getCurrentCluster()?.server, 'https://10.0.0.1:6443');
    assert.equal((await connection(kc)).headers?.authorization, 'Bearer abc');
  });

  it('rejects what it cannot use with a sentence that says why', () => {
    assert.throws(() => loadKubeConfig({ text: 'clusters: [' }), /not valid YAML/);
    assert.throws(
      () => loadKubeConfig({ text: stringify({ ...kubeconfig({}), 'current-context': '' }) }),
      /no current cluster/,
    );
    assert.throws(() => loadKubeConfig({ text: stringify(kubeconfig({}, { server: '' })) }), /has no server/);
    assert.throws(
      () => loadKubeConfig({ text: stringify(kubeconfig({})), context: 'nope' }),
      /context "nope" is not in/,
    );
    assert.throws(
      () => loadKubeConfig({ text: stringify(kubeconfig({ 'auth-provider': { name: 'oidc' } })) }),
      /auth-provider "oidc" is not supported/,
    );
    assert.throws(
      () => loadKubeConfig({ text: stringify(kubeconfig({}, { 'proxy-url': 'http://proxy:3128' })) }),
      /proxy-url is not supported/,
    );
    assert.throws(() => loadKubeConfig({ file: join(dir, 'does-not-exist') }), /cannot read kubeconfig/);
    assert.throws(() => loadKubeConfig({ file: 'a', text: 'b' }), /only one of/);
  });
});
