// Prometheus end to end: a PrometheusInstance applied with kubectl gets a Prometheus server of its
// own from the sandbox broker; the binding's credentials remote-write samples and query them back;
// a backup and a restore bring back the state of the backup; deprovisioning leaves nothing behind.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { instantQuery, remoteWrite, requestStatus } from '@klutch/broker/testing';
import { KubeClient, silentLogger } from '@klutch/kube';
import { startDataServicesStack, type DataServicesStack } from '@klutch/sandbox';
import { findRepoRoot, startCluster, type TestCluster } from '@klutch/testenv';
import { claimSteps, eventuallyDefined } from './support/claimSteps.js';

describe('Prometheus end to end (control plane)', { timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let stack: DataServicesStack;
  const stop = new AbortController();
  const { claims, secrets, apply, ready, deleted } = claimSteps(
    () => cluster,
    () => client,
    'team-a',
  );
  const workDir = mkdtempSync(join(tmpdir(), 'klutch-e2e-prometheus-'));
  const serversDir = join(workDir, 'servers');

  before(async () => {
    // The server accounts (postgres, prometheus) must pass through to their directories.
    chmodSync(workDir, 0o711);
    cluster = await startCluster({ name: 'prometheus' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    stack = await startDataServicesStack({
      client,
      logger: silentLogger(),
      signal: stop.signal,
      crdDir: join(findRepoRoot(), 'packages', 'api', 'crds'),
      broker: {
        managedServersDir: serversDir,
        managedMariadb: false,
        backupDir: join(workDir, 'backups'),
        username: 'broker',
        password: randomBytes(12).toString('hex'),
        provisionDelayMs: 100,
        logger: silentLogger(),
      },
      provider: { pollIntervalMs: 2_000, operationPollIntervalMs: 300, waitIntervalMs: 500 },
    });
    assert.ok(stack.services.includes('prometheus'), stack.services.join(','));
    const ns = await cluster.kubectl(['create', 'namespace', 'team-a']);
    assert.equal(ns.code, 0, ns.stderr);
  });

  after(async () => {
    stop.abort();
    await stack?.stopped();
    await client?.close();
    await cluster?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('instance, binding, remote write and query with the credentials, backup, change, restore, unbind, deprovision', async () => {
    await apply(`
apiVersion: anynines.com/v1
kind: PrometheusInstance
metadata: { name: metrics, namespace: team-a }
spec: { service: a9s-prometheus, plan: prometheus-single-small }
`);
    await ready('prometheusinstances', 'metrics');
    await apply(`
apiVersion: anynines.com/v1
kind: ServiceBinding
metadata: { name: metrics-app, namespace: team-a }
spec: { instanceRef: metrics, serviceInstanceType: prometheus }
`);
    const binding = await ready('servicebindings', 'metrics-app');
    assert.equal(binding.status?.binding?.name, 'metrics-app-creds');
    const secret = await secrets().get('metrics-app-creds', { namespace: 'team-a' });
    const creds = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
    for (const k of ['type', 'url', 'username', 'password', 'remote_write_url', 'prometheus_urls'])
      assert.ok(creds[k], `key ${k}`);
    assert.equal(creds.type, 'prometheus');
    assert.equal(creds.remote_write_url, `${creds.url}/api/v1/write`);
    const url = String(creds.url);
    const auth = { username: String(creds.username), password: String(creds.password) };
    const values = async (query: string) => {
      const r = await instantQuery(url, auth, query);
      assert.equal(r.status, 200, r.body);
      return r.values;
    };

    const write = await remoteWrite(url, auth, [
      { name: 'orders_total', labels: { shop: 'berlin' }, value: 7, timestampMs: Date.now() },
    ]);
    assert.equal(write.status, 204, write.body);
    assert.deepEqual(await values('orders_total'), [7]);
    assert.equal(await requestStatus(`${url}/api/v1/query?query=orders_total`, undefined), 401);

    await apply(`
apiVersion: anynines.com/v1
kind: Backup
metadata: { name: metrics-b1, namespace: team-a }
spec: { instanceRef: metrics, serviceInstanceType: prometheus }
`);
    await ready('backups', 'metrics-b1');
    await eventuallyDefined('the server back after the snapshot', async () =>
      (await requestStatus(`${url}/-/ready`, auth).catch(() => 0)) === 200 ? true : undefined,
    );
    const change = await remoteWrite(url, auth, [
      { name: 'orders_after_backup', value: 1, timestampMs: Date.now() },
    ]);
    assert.equal(change.status, 204, change.body);
    assert.deepEqual(await values('orders_after_backup'), [1]);

    await apply(`
apiVersion: anynines.com/v1
kind: Restore
metadata: { name: metrics-r1, namespace: team-a }
spec: { backupRef: metrics-b1, serviceInstanceType: prometheus }
`);
    await ready('restores', 'metrics-r1');
    await eventuallyDefined('the restored server', async () =>
      (await requestStatus(`${url}/-/ready`, auth).catch(() => 0)) === 200 ? true : undefined,
    );
    assert.deepEqual(await values('orders_total'), [7]);
    assert.deepEqual(await values('orders_after_backup'), []);

    await deleted('servicebindings', 'metrics-app');
    assert.equal(await requestStatus(`${url}/api/v1/query?query=up`, auth), 401);
    await deleted('restores', 'metrics-r1');
    await deleted('backups', 'metrics-b1');
    await deleted('prometheusinstances', 'metrics');
    await eventuallyDefined('the Prometheus server stopped', async () =>
      (await fetch(`${url}/-/ready`).then(
        () => false,
        () => true,
      ))
        ? true
        : undefined,
    );
    const left = readdirSync(join(serversDir, 'prometheus'));
    assert.deepEqual(left, [], 'no directory or file of the instance is left');
  });

  it('a plan with Grafana gets a condition that says why it cannot run', async () => {
    await apply(`
apiVersion: anynines.com/v1
kind: PrometheusInstance
metadata: { name: dashboards, namespace: team-a }
spec: { service: a9s-prometheus, plan: prometheus2-grafana10-single-small }
`);
    const message = await eventuallyDefined('a condition on the Grafana instance', async () => {
      const c = await claims('prometheusinstances').get('dashboards', { namespace: 'team-a' });
      return c.status?.conditions?.find((x) => x.status === 'False' && x.message?.includes('Grafana'))
        ?.message;
    });
    assert.match(message, /no Grafana; use a prometheus-single-\* plan/);
    await deleted('prometheusinstances', 'dashboards');
  });
});
