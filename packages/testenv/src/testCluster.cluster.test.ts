import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startClusters, type TestCluster } from './testCluster.js';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('two real clusters started concurrently', { timeout: 180_000 }, () => {
  let a: TestCluster;
  let b: TestCluster;

  before(async () => {
    [a, b] = (await startClusters(['alpha', 'beta'])) as [TestCluster, TestCluster];
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('serves each cluster on its own port and kubectl works with each kubeconfig', async () => {
    assert.notEqual(a.server, b.server);
    for (const c of [a, b]) {
      const r = await c.kubectl(['get', 'namespace', 'default', '-o', 'jsonpath={.status.phase}']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Active');
    }
    const created = await a.kubectl(['create', 'configmap', 'only-in-alpha', '--from-literal=k=v']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await a.kubectl(['get', 'configmap', 'only-in-alpha'])).code, 0);
    const inB = await b.kubectl(['get', 'configmap', 'only-in-alpha']);
    assert.notEqual(inB.code, 0);
    assert.match(inB.stderr, /NotFound|not found/);
  });

  it('completes namespace deletion (namespace controller runs)', async () => {
    assert.equal((await a.kubectl(['create', 'namespace', 'doomed'])).code, 0);
    assert.equal((await a.kubectl(['-n', 'doomed', 'create', 'configmap', 'c1'])).code, 0);
    const del = await a.kubectl(['delete', 'namespace', 'doomed', '--wait=true', '--timeout=90s']);
    assert.equal(del.code, 0, del.stderr);
    const gone = await a.kubectl(['get', 'namespace', 'doomed']);
    assert.notEqual(gone.code, 0);
  });

  it('fills a service-account token Secret with a token and ca.crt', async () => {
    const manifest = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: robot, namespace: default }
---
apiVersion: v1
kind: Secret
metadata:
  name: robot-token
  namespace: default
  annotations: { kubernetes.io/service-account.name: robot }
type: kubernetes.io/service-account-token
`;
    const r = await a.kubectl(['apply', '-f', '-'], { input: manifest });
    assert.equal(r.code, 0, r.stderr);
    const data = await waitFor('the token controller', async () => {
      const g = await a.kubectl(['-n', 'default', 'get', 'secret', 'robot-token', '-o', 'json']);
      const d = (JSON.parse(g.stdout) as { data?: Record<string, string> }).data;
      return d?.token && d['ca.crt'] ? d : undefined;
    });
    const ca = Buffer.from(data['ca.crt'] ?? '', 'base64').toString();
    assert.equal(ca.trim(), a.caPem.trim());
    const token = Buffer.from(data.token ?? '', 'base64').toString();
    // The token authenticates as the service account against this API server.
    const kubeconfigPath = join(a.dir, 'robot.kubeconfig');
    writeFileSync(kubeconfigPath, a.kubeconfigForToken(token));
    const who = await a.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], {
      kubeconfigPath,
    });
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout, 'system:serviceaccount:default:robot');
  });

  it('garbage-collects a dependent when its owner is deleted', async () => {
    assert.equal((await a.kubectl(['create', 'configmap', 'owner'])).code, 0);
    const uid = (await a.kubectl(['get', 'configmap', 'owner', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    const dependent = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'dependent',
        namespace: 'default',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid }],
      },
    };
    assert.equal((await a.kubectl(['apply', '-f', '-'], { input: JSON.stringify(dependent) })).code, 0);
    assert.equal((await a.kubectl(['delete', 'configmap', 'owner'])).code, 0);
    await waitFor('garbage collection of the dependent', async () => {
      const g = await a.kubectl(['get', 'configmap', 'dependent']);
      return g.code !== 0 ? true : undefined;
    });
  });

  it('reports resident memory and stops cleanly, removing its temporary directory', async () => {
    assert.ok(a.rssBytes() > 50 * 1024 * 1024, 'three running components use well over 50 MiB');
    const dir = b.dir;
    const pids = b.pids();
    assert.equal(pids.length, 3);
    await b.stop();
    assert.equal(existsSync(dir), false);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), 'component process is gone');
  });
});
