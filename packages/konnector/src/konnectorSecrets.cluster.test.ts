import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BackendHandle } from '@klutch/backend';
import { KubeClient, ResourceClient } from '@klutch/kube';
import { eventually, startClusters } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import {
  applyJson,
  bindAppCluster,
  gvr,
  prepareControlPlane,
  startTestBackend,
  suffix,
  waitForBindingReady,
} from './testing/bindingTestbed.js';
import type { BoundConsumer } from './testing/bindingTestbed.js';
import { KonnectorProcess } from './testing/konnectorProcess.js';

function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('konnector and the Secrets of the app cluster', { timeout: 600_000 }, () => {
  let cp: TestCluster;
  let app: TestCluster;
  let backend: BackendHandle;
  let bound: BoundConsumer;
  let konnector: KonnectorProcess;
  let cpAdmin: KubeClient;
  let appSecrets: ResourceClient;
  let cpSecrets: ResourceClient;
  const dir = mkdtempSync(join(tmpdir(), 'konnector-secrets-'));
  const secretsOf = (c: KubeClient) =>
    new ResourceClient(c, { group: '', version: 'v1', resource: 'secrets', namespaced: true });

  before(async () => {
    const clusters = await startClusters(['cp', 'app']);
    [cp, app] = clusters as [TestCluster, TestCluster];
    await prepareControlPlane(cp);
    backend = await startTestBackend(cp);
    bound = await bindAppCluster(backend, app, 'secrets#5ec5ec', ['widgets']);
    // The deployed memory settings (bin/konnector), so the resident set follows the live heap.
    konnector = new KonnectorProcess({
      kubeconfigPath: app.kubeconfigPath,
      logFile: join(dir, 'konnector.log'),
      identity: `konnector-${suffix()}`,
      nodeOptions: ['--max-semi-space-size=4'],
    });
    konnector.start();
    await waitForBindingReady(app, 'widgets.konnector.test');
    cpAdmin = KubeClient.from({ file: cp.kubeconfigPath });
    appSecrets = secretsOf(bound.app);
    cpSecrets = secretsOf(cpAdmin);
  });

  after(async () => {
    await konnector?.kill();
    await cpAdmin?.close();
    await backend?.stop();
    await Promise.allSettled([cp, app].map((c) => c?.stop()));
    if (!process.env.KONNECTOR_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
  });

  it('30 MB of unrelated Secrets (Helm-release sized) do not end up in its memory', async (t) => {
    // A bound namespace (claims are live there) and one the konnector has nothing to do with.
    const bound1 = `apps-${suffix()}`;
    const helm = `helm-${suffix()}`;
    for (const ns of [bound1, helm])
      await applyJson(app, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await new ResourceClient(bound.app, gvr('widgets')).create({
      apiVersion: 'konnector.test/v1',
      kind: 'Widget',
      metadata: { name: 'anchor', namespace: bound1 },
      spec: { size: 's' },
    });
    const serviceNs = `${bound.providerNamespace}-${bound1}`;
    await eventually(
      () => new ResourceClient(cpAdmin, gvr('widgets')).get('anchor', { namespace: serviceNs }),
      60_000,
    );
    const pid = konnector.pid;
    assert.ok(pid !== undefined, 'the konnector runs');
    await sleep(5_000);
    const before = residentMiB(pid);

    // 240 Secrets of 96 KiB random data (128 KiB base64 on the wire), half in each namespace.
    const names = Array.from({ length: 240 }, (_, i) => ({
      namespace: i % 2 === 0 ? bound1 : helm,
      name: `sh.helm.release.v1.app-${i}.v1`,
    }));
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < names.length) {
          const { namespace, name } = names[next++] ?? { namespace: '', name: '' };
          await appSecrets.create({
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name, namespace, labels: { owner: 'helm', name: 'app' } },
            type: 'helm.sh/release.v1',
            data: { release: randomBytes(96 * 1024).toString('base64') },
          });
        }
      }),
    );
    // A claimed Secret created after them travels up: the konnector's caches of Secrets have
    // seen every event before it (a watch delivers in resourceVersion order).
    await appSecrets.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'consumer-secret', namespace: bound1 },
      data: { token: Buffer.from('c1').toString('base64') },
    });
    await eventually(() => cpSecrets.get('consumer-secret', { namespace: serviceNs }), 60_000);
    await sleep(5_000);
    const afterCreate = residentMiB(pid);
    const grown = afterCreate - before;
    t.diagnostic(`resident ${before.toFixed(1)} → ${afterCreate.toFixed(1)} MiB`);
    assert.ok(
      grown < 12,
      `resident memory grew by ${grown.toFixed(1)} MiB (${before.toFixed(0)} → ${afterCreate.toFixed(0)} MiB) ` +
        'after 30 MB of Secrets it does not sync were created',
    );
    // The claim still works on the bodies it reads live.
    const up = await cpSecrets.get('consumer-secret', { namespace: serviceNs });
    assert.equal(Buffer.from((up.data as Record<string, string>).token ?? '', 'base64').toString(), 'c1');
  });

  it("a new binding's kubeconfig Secret in a namespace not watched before is followed", async () => {
    const ns = `later-${suffix()}`;
    const name = 'later.konnector.test';
    await applyJson(app, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const secretValid = async () => {
      const r = await app.kubectl(['get', 'apiservicebinding', '-n', ns, name, '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const b = JSON.parse(r.stdout) as {
        status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
      };
      return b.status?.conditions?.find((c) => c.type === 'SecretValid');
    };
    // The binding names a Secret that does not exist yet.
    await applyJson(app, {
      apiVersion: 'klutch.anynines.com/v1alpha1',
      kind: 'APIServiceBinding',
      metadata: { name, namespace: ns },
      spec: { kubeconfigSecretRef: { name: 'kubeconfig', namespace: ns, key: 'kubeconfig' } },
    });
    await eventually(async () => assert.equal((await secretValid())?.reason, 'KubeconfigSecretNotFound'));
    // It appears later.
    await appSecrets.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'kubeconfig', namespace: ns },
      data: { kubeconfig: Buffer.from(bound.kubeconfig).toString('base64') },
    });
    await eventually(async () => assert.equal((await secretValid())?.status, 'True'), 60_000);
    // A change to it is seen too.
    await appSecrets.patch(
      'kubeconfig',
      { data: { kubeconfig: Buffer.from('garbage').toString('base64') } },
      'merge',
      { namespace: ns },
    );
    await eventually(async () => assert.equal((await secretValid())?.reason, 'KubeconfigSecretInvalid'));
    const cleanup = await app.kubectl(['delete', 'apiservicebinding', '-n', ns, name]);
    assert.equal(cleanup.code, 0, cleanup.stderr);
  });
});
