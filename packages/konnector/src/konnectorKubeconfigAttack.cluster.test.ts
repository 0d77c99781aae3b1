import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import type { BackendHandle } from '@klutch/backend';
import { KubeClient, ResourceClient } from '@klutch/kube';
import type { KubeObject } from '@klutch/kube';
import { eventually, startClusters } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { installBindingCrd } from './startKonnector.js';
import {
  applyJson,
  bindAppCluster,
  prepareControlPlane,
  startTestBackend,
  suffix,
  waitForBindingReady,
} from './testing/bindingTestbed.js';
import type { BoundConsumer } from './testing/bindingTestbed.js';
import { KonnectorProcess } from './testing/konnectorProcess.js';

// Attacks on the konnector through the kubeconfig Secret of an APIServiceBinding: whoever can
// write that Secret must not be able to run a program in the konnector, make it read one of its
// files (its own service-account token, say) or send anything to a server of their choice.
// Every kubeconfig below points at a loopback listener that records connections; file fields
// point at named pipes, whose open by a reader the test can see (a writer's non-blocking open
// fails with ENXIO unless a reader has the pipe open, and a reader blocks until a writer comes).

interface Attack {
  /** Binding, Secret and test name. */
  name: string;
  /** The field the condition must name. */
  field: string;
  /** Changes to the user and cluster of an otherwise valid kubeconfig. */
  user?: Record<string, unknown>;
  cluster?: Record<string, unknown>;
  /** The named pipe this attack makes the konnector read, if any. */
  pipe?: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('konnector refuses kubeconfigs that run programs, read files or weaken TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'konnector-kubeconfig-attack-'));
  const marker = join(dir, 'canary-ran');
  const canary = join(dir, 'canary.sh');
  const pipes = {
    token: join(dir, 'token.pipe'),
    cert: join(dir, 'client-cert.pipe'),
    key: join(dir, 'client-key.pipe'),
    ca: join(dir, 'ca.pipe'),
  };
  const connections: string[] = [];
  let listener: Server;
  let port = 0;
  let app: TestCluster;
  let appClient: KubeClient;
  let konnector: KonnectorProcess;

  const attacks = (): Attack[] => [
    {
      name: 'exec',
      field: 'users[0].user.exec',
      user: {
        exec: { apiVersion: 'client.authentication.k8s.io/v1', command: canary, interactiveMode: 'Never' },
      },
    },
    {
      name: 'auth-provider',
      field: 'users[0].user.auth-provider',
      user: { 'auth-provider': { name: 'oidc' } },
    },
    {
      name: 'token-file',
      field: 'users[0].user.tokenFile',
      user: { tokenFile: pipes.token },
      pipe: pipes.token,
    },
    {
      name: 'client-certificate-file',
      field: 'users[0].user.client-certificate',
      user: { 'client-certificate': pipes.cert, 'client-key-data': b64('KEY') },
      pipe: pipes.cert,
    },
    {
      name: 'client-key-file',
      field: 'users[0].user.client-key',
      user: { 'client-certificate-data': b64('CERT'), 'client-key': pipes.key },
      pipe: pipes.key,
    },
    {
      name: 'ca-file',
      field: 'clusters[0].cluster.certificate-authority',
      cluster: { 'certificate-authority': pipes.ca },
      pipe: pipes.ca,
    },
    {
      name: 'skip-tls-verify',
      field: 'clusters[0].cluster.insecure-skip-tls-verify',
      cluster: { 'insecure-skip-tls-verify': true },
    },
    {
      name: 'proxy-url',
      field: 'clusters[0].cluster.proxy-url',
      cluster: { 'proxy-url': `http://127.0.0.1:${port}` },
    },
    {
      name: 'plain-http',
      field: 'clusters[0].cluster.server',
      cluster: { server: `http://127.0.0.1:${port}` },
    },
    {
      name: 'basic-auth',
      field: 'users[0].user.username',
      user: { token: undefined, username: 'admin', password: 'canary-password' },
    },
  ];

  const kubeconfig = (a: Attack): string =>
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'default', cluster: { server: `https://127.0.0.1:${port}`, ...a.cluster } }],
      contexts: [
        { name: 'default', context: { cluster: 'default', user: 'default', namespace: `cluster-${a.name}` } },
      ],
      'current-context': 'default',
      users: [{ name: 'default', user: { token: 'attacker-token', ...a.user } }],
    });

  before(async () => {
    writeFileSync(
      canary,
      `#!/bin/sh\ntouch "${marker}"\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-canary"}}'\n`,
    );
    chmodSync(canary, 0o755);
    for (const p of Object.values(pipes)) execFileSync('mkfifo', [p]);
    listener = createServer((socket) => {
      connections.push(`${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`);
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as AddressInfo).port;

    [app] = (await startClusters(['app'])) as [TestCluster];
    appClient = KubeClient.from({ file: app.kubeconfigPath });
    await applyJson(app, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'klutch-bind' } });
    await installBindingCrd(appClient);
    const secrets = new ResourceClient(appClient, {
      group: '',
      version: 'v1',
      resource: 'secrets',
      namespaced: true,
    });
    for (const a of attacks()) {
      await secrets.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `kubeconfig-${a.name}`, namespace: 'klutch-bind' },
        type: 'Opaque',
        data: { kubeconfig: b64(kubeconfig(a)) },
      });
      await applyJson(app, {
        apiVersion: 'klutch.anynines.com/v1alpha1',
        kind: 'APIServiceBinding',
        metadata: { name: `${a.name}.attack.test`, namespace: 'klutch-bind' },
        spec: {
          kubeconfigSecretRef: { name: `kubeconfig-${a.name}`, namespace: 'klutch-bind', key: 'kubeconfig' },
        },
      });
    }
    konnector = new KonnectorProcess({
      kubeconfigPath: app.kubeconfigPath,
      logFile: join(dir, 'konnector.log'),
      identity: `konnector-${suffix()}`,
    });
    konnector.start();
  });

  after(async () => {
    await konnector?.kill();
    await appClient?.close();
    await app?.stop();
    await new Promise((resolve) => listener?.close(resolve));
    if (!process.env.KONNECTOR_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
  });

  async function secretValidCondition(name: string) {
    return eventually(async () => {
      const r = await app.kubectl([
        'get',
        'apiservicebinding',
        '-n',
        'klutch-bind',
        `${name}.attack.test`,
        '-o',
        'json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const b = JSON.parse(r.stdout) as {
        status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
      };
      const secretValid = b.status?.conditions?.find((c) => c.type === 'SecretValid');
      assert.equal(secretValid?.status, 'False', JSON.stringify(b.status));
      assert.equal(b.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
      return secretValid;
    }, 90_000);
  }

  /** True when some process has the pipe open for reading (or is blocked opening it). */
  function pipeHasReader(path: string): boolean {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENXIO') return false;
      throw err;
    }
  }

  for (const a of attacks()) {
    it(`${a.name}: the binding is not Ready and names ${a.field}; nothing runs, is read or contacted`, async () => {
      const cond = await secretValidCondition(a.name);
      assert.equal(cond?.reason, 'KubeconfigSecretInvalid');
      assert.ok(
        cond?.message?.startsWith(`Kubeconfig in secret klutch-bind/kubeconfig-${a.name}: `),
        cond?.message,
      );
      assert.ok(cond?.message?.includes(a.field), cond?.message);
      assert.match(cond?.message ?? '', /Rerun kubectl bind for repair\.$/);
      for (const secret of ['attacker-token', 'canary-password'])
        assert.ok(!cond?.message?.includes(secret), 'the message leaks a credential');
      assert.equal(konnector.running, true, 'the konnector is still running');
      // Had the konnector acted on the kubeconfig, it would have done so before writing the condition.
      assert.equal(existsSync(marker), false, 'the canary program ran');
      if (a.pipe) assert.equal(pipeHasReader(a.pipe), false, `the konnector opened ${a.pipe}`);
      assert.deepEqual(connections, [], 'the konnector connected to the server of the kubeconfig');
    });
  }

  it('records a Warning Event that names the field, and still contacts nothing a while later', async () => {
    await eventually(async () => {
      const r = await app.kubectl([
        'get',
        'events',
        '-n',
        'klutch-bind',
        '--field-selector',
        'involvedObject.name=exec.attack.test,reason=KubeconfigSecretInvalid',
        '-o',
        'json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const events = JSON.parse(r.stdout) as { items: Array<{ type: string; message: string }> };
      assert.ok(
        events.items.some((e) => e.type === 'Warning' && e.message.includes('users[0].user.exec')),
        r.stdout,
      );
    }, 30_000);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(existsSync(marker), false, 'the canary program ran');
    for (const p of Object.values(pipes)) assert.equal(pipeHasReader(p), false, `the konnector opened ${p}`);
    assert.deepEqual(connections, []);
  });
});

describe('konnector does not copy a refused kubeconfig from the provider namespace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'konnector-kubeconfig-copy-attack-'));
  const marker = join(dir, 'canary-ran');
  const canary = join(dir, 'canary.sh');
  let cp: TestCluster;
  let app: TestCluster;
  let backend: BackendHandle;
  let bound: BoundConsumer;
  let konnector: KonnectorProcess;
  const secretsGvr = { group: '', version: 'v1', resource: 'secrets', namespaced: true };

  before(async () => {
    writeFileSync(
      canary,
      `#!/bin/sh\ntouch "${marker}"\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-canary"}}'\n`,
    );
    chmodSync(canary, 0o755);
    [cp, app] = (await startClusters(['cp', 'app'])) as [TestCluster, TestCluster];
    await prepareControlPlane(cp);
    backend = await startTestBackend(cp);
    bound = await bindAppCluster(backend, app, 'copy-attack#c0ffee', ['widgets']);
    konnector = new KonnectorProcess({
      kubeconfigPath: app.kubeconfigPath,
      logFile: join(dir, 'konnector.log'),
      identity: `konnector-${suffix()}`,
    });
    konnector.start();
    await waitForBindingReady(app, 'widgets.konnector.test');
  });

  after(async () => {
    await konnector?.kill();
    await backend?.stop();
    await bound?.app.close();
    await bound?.consumer.close();
    await Promise.allSettled([cp, app].map((c) => c?.stop()));
    if (!process.env.KONNECTOR_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
  });

  it('an exec kubeconfig written into the provider Secret is reported on the ClusterBinding, not copied and not run', async () => {
    const admin = KubeClient.from({ file: cp.kubeconfigPath });
    try {
      const ns = bound.providerNamespace;
      const cb = await new ResourceClient(admin, {
        group: 'klutch.anynines.com',
        version: 'v1alpha1',
        resource: 'clusterbindings',
        namespaced: true,
      }).get('cluster', { namespace: ns });
      const ref = (cb as KubeObject & { spec: { kubeconfigSecretRef: { name: string; key: string } } }).spec
        .kubeconfigSecretRef;
      const providerSecrets = new ResourceClient(admin, secretsGvr);
      const secret = await providerSecrets.get(ref.name, { namespace: ns });
      const key = ref.key || 'kubeconfig';
      const data = (secret as KubeObject & { data: Record<string, string> }).data;
      const doc = parse(Buffer.from(data[key] ?? '', 'base64').toString('utf8')) as {
        users: Array<{ user: Record<string, unknown> }>;
      };
      const user = doc.users[0];
      assert.ok(user);
      user.user = {
        ...user.user,
        exec: { apiVersion: 'client.authentication.k8s.io/v1', command: canary, interactiveMode: 'Never' },
      };
      await providerSecrets.update({
        ...secret,
        data: { ...data, [key]: Buffer.from(stringify(doc)).toString('base64') },
      });

      await eventually(async () => {
        const r = await cp.kubectl(['get', 'clusterbinding', 'cluster', '-n', ns, '-o', 'json']);
        assert.equal(r.code, 0, r.stderr);
        const got = JSON.parse(r.stdout) as {
          status?: {
            conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
          };
        };
        const c = got.status?.conditions?.find((x) => x.type === 'SecretValid');
        assert.equal(c?.status, 'False', JSON.stringify(got.status));
        assert.equal(c?.reason, 'ProviderSecretInvalid');
        assert.ok(c?.message?.includes('users[0].user.exec runs a program'), c?.message);
      }, 60_000);

      const appSecret = await new ResourceClient(bound.app, secretsGvr).get(`kubeconfig-${ns}`, {
        namespace: 'klutch-bind',
      });
      assert.equal(
        Buffer.from(
          (appSecret as KubeObject & { data: Record<string, string> }).data.kubeconfig ?? '',
          'base64',
        ).toString('utf8'),
        bound.kubeconfig,
        'the app cluster keeps the working kubeconfig',
      );
      assert.equal(existsSync(marker), false, 'the canary program ran');
      await waitForBindingReady(app, 'widgets.konnector.test');
    } finally {
      await admin.close();
    }
  });
});
