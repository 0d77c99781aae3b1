import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { klutchApiVersion } from '@klutch/api';
import { KubeClient, silentLogger } from '@klutch/kube';
import { eventually, startCluster } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { startBackend } from './backend.js';
import type { BackendHandle } from './backend.js';
import { backendClients } from './backendClients.js';
import type { BackendClients } from './backendClients.js';
import type { BindConsumerResult } from './bindConsumer.js';
import { consumerClusterRoleName, consumerClusterWideRoleName } from './names.js';
import {
  applyJson,
  installKlutchCrds,
  testGroup,
  waitEstablished,
  widgetCrd,
  widgetTemplate,
} from './testdata/controlPlane.js';

const run = Math.random().toString(36).slice(2, 8);

// Consumer scope Cluster (with shared reads, --cluster-scoped-isolation None) grants the exported
// resources everywhere for reading; writes stay in each consumer's own service namespaces, and the
// claimed Secrets stay inside them entirely.
describe('tenant isolation with consumer scope Cluster', { timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let clients: BackendClients;
  let backend: BackendHandle | undefined;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'klutch-backend-cluster-scope-'));
    cluster = await startCluster({ name: 'cluster-scope' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    clients = backendClients(client);
    await installKlutchCrds(cluster);
    await applyJson(cluster, widgetCrd('widgets', 'Widget', 'Namespaced'));
    await waitEstablished(cluster, `widgets.${testGroup}`);
    await applyJson(cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'templates' } });
    await applyJson(cluster, widgetTemplate('widgets'));
    backend = await startBackend({
      client,
      logger: silentLogger(),
      consumerScope: 'Cluster',
      clusterScopedIsolation: 'None',
    });
  });
  after(async () => {
    await backend?.stop();
    await client?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function bindWithServiceNamespace(name: string): Promise<BindConsumerResult> {
    assert.ok(backend);
    const r = await backend.bind(`${name}-${run}#cluster1`, [{ group: testGroup, resource: 'widgets' }]);
    await clients.serviceNamespaces.create({
      apiVersion: klutchApiVersion,
      kind: 'APIServiceNamespace',
      metadata: { name: 'default', namespace: r.providerNamespace },
      spec: {},
    });
    const ns = r.providerNamespace;
    await eventually(async () => {
      const rb = await clients.roleBindings.get('klutch-binder', { namespace: `${ns}-default` });
      assert.equal(rb.roleRef.name, consumerClusterRoleName(ns));
      const role = await clients.clusterRoles.get(consumerClusterRoleName(ns));
      assert.deepEqual(
        role.rules?.map((x) => x.resources[0]),
        ['secrets', 'widgets'],
      );
      const crb = await clients.clusterRoleBindings.get(consumerClusterRoleName(ns));
      assert.equal(crb.roleRef.name, consumerClusterWideRoleName(ns));
      const wide = await clients.clusterRoles.get(consumerClusterWideRoleName(ns));
      assert.deepEqual(
        wide.rules?.map((x) => [x.apiGroups[0], x.resources[0]]),
        [[testGroup, 'widgets']],
      );
    });
    return r;
  }

  it('keeps every Secret outside its own namespaces away from a consumer, and grants the exports cluster-wide', async () => {
    const a = await bindWithServiceNamespace('tenant-a');
    const b = await bindWithServiceNamespace('tenant-b');
    const A = a.providerNamespace;
    const B = b.providerNamespace;
    const aService = `${A}-default`;
    const bService = `${B}-default`;
    await applyJson(cluster, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'b-creds', namespace: bService },
      stringData: { password: 'b-secret' },
    });
    await applyJson(cluster, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'a-creds', namespace: aService },
      stringData: { password: 'a-secret' },
    });
    await applyJson(cluster, {
      apiVersion: `${testGroup}/v1`,
      kind: 'Widget',
      metadata: { name: 'b-widget', namespace: bService },
      spec: { size: 'large' },
    });
    const aPath = join(dir, 'tenant-a');
    writeFileSync(aPath, a.kubeconfig, { mode: 0o600 });
    const asA = (args: string[], input?: string) =>
      cluster.kubectl(args, { kubeconfigPath: aPath, ...(input !== undefined ? { input } : {}) });

    // Positive controls: Secrets in A's own namespaces, the exported resource everywhere.
    for (const [verb, resource, ns] of [
      ['list', 'secrets', A],
      ['get', 'secrets', aService],
      ['create', 'secrets', aService],
      ['list', `widgets.${testGroup}`, aService],
      ['list', `widgets.${testGroup}`, bService],
    ] as const) {
      const r = await asA(['auth', 'can-i', verb, resource, '-n', ns]);
      assert.equal(r.stdout.trim(), 'yes', `A should be able to ${verb} ${resource} in ${ns}`);
    }
    const allWidgets = await asA(['auth', 'can-i', 'list', `widgets.${testGroup}`, '--all-namespaces']);
    assert.equal(allWidgets.stdout.trim(), 'yes');
    const ownSecret = await asA(['get', 'secret', 'a-creds', '-n', aService, '-o', 'name']);
    assert.equal(ownSecret.code, 0, ownSecret.stderr);
    // Reads are shared (the operator opted in with None)...
    const widgets = await asA(['get', `widgets.${testGroup}`, '--all-namespaces', '-o', 'name']);
    assert.equal(widgets.code, 0, widgets.stderr);
    assert.match(widgets.stdout, /b-widget/);

    // Secrets of B (provider and service namespace), of the control plane and cluster-wide.
    for (const verb of ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']) {
      for (const ns of [B, bService, 'kube-system', 'default']) {
        const r = await asA(['auth', 'can-i', verb, 'secrets', '-n', ns]);
        assert.equal(r.stdout.trim(), 'no', `A must not ${verb} secrets in ${ns}`);
      }
      const all = await asA(['auth', 'can-i', verb, 'secrets', '--all-namespaces']);
      assert.equal(all.stdout.trim(), 'no', `A must not ${verb} secrets in all namespaces`);
    }

    const forbidden = async (args: string[], input?: string) => {
      const r = await asA(args, input);
      assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} succeeded`);
      assert.match(r.stderr, /Forbidden|forbidden/, `kubectl ${args.join(' ')}: ${r.stderr}`);
    };
    await forbidden(['get', 'secret', 'kubeconfig', '-n', B]);
    await forbidden(['get', 'secrets', '-n', B]);
    await forbidden(['get', 'secret', 'b-creds', '-n', bService]);
    await forbidden(['get', 'secrets', '-n', bService]);
    await forbidden(['delete', 'secret', 'b-creds', '-n', bService]);
    await forbidden(['get', 'secrets', '-n', 'kube-system']);
    await forbidden(['get', 'secrets', '--all-namespaces']);
    await forbidden(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'planted', namespace: bService },
      }),
    );
    await forbidden(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'planted', namespace: 'kube-system' },
      }),
    );
    // ...writes to B's objects are not: the consumer write policy refuses them.
    await forbidden(['delete', `widgets.${testGroup}`, 'b-widget', '-n', bService]);
    await forbidden(['label', `widgets.${testGroup}`, 'b-widget', '-n', bService, 'taken=yes']);
    await forbidden(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: `${testGroup}/v1`,
        kind: 'Widget',
        metadata: { name: 'planted', namespace: bService },
        spec: { size: 'x' },
      }),
    );
    const bWidget = await cluster.kubectl([
      'get',
      `widgets.${testGroup}`,
      'b-widget',
      '-n',
      bService,
      '-o',
      'json',
    ]);
    assert.equal(bWidget.code, 0, bWidget.stderr);
    assert.equal(
      (JSON.parse(bWidget.stdout) as { metadata: { labels?: object } }).metadata.labels,
      undefined,
    );
    // B's Secret is untouched.
    const bSecret = await cluster.kubectl(['get', 'secret', 'b-creds', '-n', bService, '-o', 'name']);
    assert.equal(bSecret.code, 0, bSecret.stderr);
  });
});
