import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clusterBindingName, klutchApiVersion } from '@klutch/api';
import { KubeClient, silentLogger } from '@klutch/kube';
import { eventually, startCluster } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { startBackend } from './backend.js';
import type { BackendHandle } from './backend.js';
import { backendClients } from './backendClients.js';
import type { BackendClients } from './backendClients.js';
import { bindConsumer } from './bindConsumer.js';
import type { BindConsumerOptions } from './bindConsumer.js';
import { readConsumerKubeconfig } from './consumerKubeconfig.js';
import type { CredentialTimings } from './credentialSchedule.js';
import { identityAnnotation, legacyIdentityAnnotation, tokenExpirationAnnotation } from './names.js';
import { providerNamespaceOwnedBy } from './testdata/providerNamespaces.js';
import { rotateConsumerCredentials } from './rotateConsumerCredentials.js';
import {
  applyJson,
  installKlutchCrds,
  testGroup,
  waitEstablished,
  widgetCrd,
  widgetTemplate,
} from './testdata/controlPlane.js';

const run = Math.random().toString(36).slice(2, 8);
// The API server's shortest token lifetime is 10 minutes; renewing 9m50s early rotates every 10 s.
const fastRotation: CredentialTimings = { tokenLifetimeSeconds: 600, renewBeforeMs: 590_000 };

describe('bindConsumer on a real API server', { timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let clients: BackendClients;
  let backend: BackendHandle | undefined;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'klutch-backend-bind-'));
    cluster = await startCluster({ name: 'bind' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    clients = backendClients(client);
    await installKlutchCrds(cluster);
    await applyJson(cluster, widgetCrd('widgets', 'Widget', 'Namespaced'));
    await waitEstablished(cluster, `widgets.${testGroup}`);
    await applyJson(cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'templates' } });
    await applyJson(cluster, widgetTemplate('widgets'));
    backend = await startBackend({ client, logger: silentLogger(), credentialTimings: fastRotation });
  });
  after(async () => {
    await backend?.stop();
    await client?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const bind = (identity: string, extra: Partial<BindConsumerOptions> = {}) =>
    bindConsumer({ client, identity, credentialTimings: fastRotation, ...extra });

  function kubeconfigFile(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  }

  const asConsumer = (path: string, args: string[]) => cluster.kubectl(args, { kubeconfigPath: path });

  it('gives one identity one namespace and one Secret, and other identities other namespaces', async () => {
    const first = await bind(`alice-${run}#cluster1`);
    const again = await bind(`alice-${run}#cluster1`);
    assert.equal(again.providerNamespace, first.providerNamespace);
    assert.equal(again.secretName, 'kubeconfig');
    assert.equal(first.secretName, 'kubeconfig');
    assert.match(first.providerNamespace, /^cluster-[0-9a-z]{8}$/);
    const otherCluster = await bind(`alice-${run}#cluster2`);
    const otherUser = await bind(`bob-${run}#cluster1`);
    const all = new Set([
      first.providerNamespace,
      otherCluster.providerNamespace,
      otherUser.providerNamespace,
    ]);
    assert.equal(all.size, 3);

    const ns = await clients.namespaces.get(first.providerNamespace);
    assert.equal(ns.metadata.annotations?.[identityAnnotation], `alice-${run}#cluster1`);
    // Also under the Go backend's key, so a Go backend finds this consumer's namespace too.
    assert.equal(ns.metadata.annotations?.[legacyIdentityAnnotation], `alice-${run}#cluster1`);
    const cb = await clients.clusterBindings.get(clusterBindingName, { namespace: first.providerNamespace });
    assert.deepEqual(cb.spec.kubeconfigSecretRef, { name: 'kubeconfig', key: 'kubeconfig' });
    assert.equal(cb.spec.providerPrettyName, 'Example Backend');
    const secret = await clients.secrets.get('kubeconfig', { namespace: first.providerNamespace });
    assert.ok(secret.metadata.annotations?.[tokenExpirationAnnotation]);
  });

  it('creates a single namespace for concurrent binds of one identity', async () => {
    const identity = `carol-${run}#cluster1`;
    const results = await Promise.all(Array.from({ length: 6 }, () => bind(identity)));
    assert.equal(new Set(results.map((r) => r.providerNamespace)).size, 1);
    assert.deepEqual(await providerNamespaceOwnedBy(clients, identity), [results[0]?.providerNamespace]);
  });

  it('finds a namespace created by the Go backend through its identity annotation', async () => {
    const identity = `gopher-${run}#cluster1`;
    const legacy = await clients.namespaces.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        generateName: 'cluster-',
        annotations: { 'example-backend.klutch.anynines.com/identity': identity },
      },
    });
    const r = await bind(identity);
    assert.equal(r.providerNamespace, legacy.metadata.name);
    // Reused, not duplicated: binding again still finds only the Go backend's namespace.
    const again = await bind(identity);
    assert.equal(again.providerNamespace, legacy.metadata.name);
    assert.deepEqual(await providerNamespaceOwnedBy(clients, identity), [legacy.metadata.name]);
  });

  it('hands out a kubeconfig that works, in the provider namespace', async () => {
    const r = await bind(`dave-${run}#cluster1`, { prettyName: 'anynines' });
    const shape = readConsumerKubeconfig(r.kubeconfig);
    assert.equal(shape?.namespace, r.providerNamespace);
    assert.equal(shape?.server, cluster.server);
    assert.equal(shape?.caPem?.trim(), cluster.caPem.trim());
    const path = kubeconfigFile('dave', r.kubeconfig);
    const got = await asConsumer(path, ['get', 'clusterbindings', '-o', 'name']);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout.trim(), 'clusterbinding.klutch.anynines.com/cluster');
    const cb = await clients.clusterBindings.get(clusterBindingName, { namespace: r.providerNamespace });
    assert.equal(cb.spec.providerPrettyName, 'anynines');
    // The Secret holds exactly what was returned.
    const secret = await clients.secrets.get(r.secretName, { namespace: r.providerNamespace });
    assert.equal(Buffer.from(secret.data?.kubeconfig ?? '', 'base64').toString('utf8'), r.kubeconfig);
  });

  it('writes the external address, CA and server name into the kubeconfig, and refuses plain http', async () => {
    const ca = '-----BEGIN CERTIFICATE-----\nZmFrZQ==\n-----END CERTIFICATE-----\n';
    const r = await bind(`erin-${run}#cluster1`, {
      externalAddress: 'https://api.example.test:6443',
      externalCaPem: ca,
      externalServerName: 'kubernetes.example.test',
    });
    const shape = readConsumerKubeconfig(r.kubeconfig);
    assert.equal(shape?.server, 'https://api.example.test:6443');
    assert.equal(shape?.caPem, ca);
    assert.equal(shape?.tlsServerName, 'kubernetes.example.test');
    await assert.rejects(
      bind(`erin-${run}#cluster1`, { externalAddress: 'http://api.example.test' }),
      /must start with https:\/\//,
    );
    await assert.rejects(bind('no-cluster-id'), /<oidc subject>#<cluster id>/);
  });

  it('creates export requests for requested resources, and refuses resources without a template', async () => {
    const r = await bind(`frank-${run}#cluster1`, { requests: [{ group: testGroup, resource: 'widgets' }] });
    assert.deepEqual(r.requestNames, [`widgets.${testGroup}`]);
    const exp = await eventually(() =>
      clients.exports.get(`widgets.${testGroup}`, { namespace: r.providerNamespace }),
    );
    assert.equal(exp.spec.permissionClaims?.[0]?.resource, 'secrets');
    await assert.rejects(
      bind(`frank-${run}#cluster1`, { requests: [{ group: testGroup, resource: 'unknowns' }] }),
      /no APIServiceExportTemplate .*unknowns/,
    );
  });

  it('rotates credentials on demand and before they expire', async () => {
    const r = await bind(`grace-${run}#cluster1`);
    const before = readConsumerKubeconfig(r.kubeconfig)?.token;
    const rotated = await rotateConsumerCredentials({
      client,
      providerNamespace: r.providerNamespace,
      credentialTimings: fastRotation,
    });
    assert.equal(rotated.secretName, 'kubeconfig');
    const secretText = async () => {
      const s = await clients.secrets.get('kubeconfig', { namespace: r.providerNamespace });
      return Buffer.from(s.data?.kubeconfig ?? '', 'base64').toString('utf8');
    };
    const afterOnDemand = readConsumerKubeconfig(await secretText())?.token;
    assert.ok(afterOnDemand && afterOnDemand !== before);
    // The controller renews 9m50s before expiry of a 10 min token: within about 10 s.
    const renewed = await eventually(async () => {
      const t = readConsumerKubeconfig(await secretText())?.token;
      assert.ok(t && t !== afterOnDemand);
      return t;
    }, 30_000);
    const path = kubeconfigFile('grace', await secretText());
    const got = await asConsumer(path, ['get', 'clusterbinding', 'cluster', '-o', 'name']);
    assert.equal(got.code, 0, got.stderr);
    assert.ok(renewed);
  });

  it('isolates consumers: with A kubeconfig nothing of B can be read or written', async () => {
    const a = await bind(`tenant-a-${run}#cluster1`, {
      requests: [{ group: testGroup, resource: 'widgets' }],
    });
    const b = await bind(`tenant-b-${run}#cluster1`, {
      requests: [{ group: testGroup, resource: 'widgets' }],
    });
    for (const consumer of [a, b]) {
      await clients.serviceNamespaces.create({
        apiVersion: klutchApiVersion,
        kind: 'APIServiceNamespace',
        metadata: { name: 'default', namespace: consumer.providerNamespace },
        spec: {},
      });
    }
    const aService = `${a.providerNamespace}-default`;
    const bService = `${b.providerNamespace}-default`;
    await eventually(() => clients.roleBindings.get('klutch-binder', { namespace: aService }));
    await eventually(() => clients.roleBindings.get('klutch-binder', { namespace: bService }));
    await eventually(async () => {
      const role = await clients.clusterRoles.get(`klutch-binder-${a.providerNamespace}`);
      assert.ok(role.rules?.some((x) => x.resources.includes('widgets')));
    });
    await applyJson(cluster, {
      apiVersion: `${testGroup}/v1`,
      kind: 'Widget',
      metadata: { name: 'b-widget', namespace: bService },
      spec: { size: 'large' },
    });
    await applyJson(cluster, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'b-creds', namespace: bService },
      stringData: { password: 'b-secret' },
    });
    const aPath = kubeconfigFile('tenant-a', a.kubeconfig);
    const B = b.providerNamespace;

    // Positive controls: A can do these in its own namespaces.
    for (const [verb, resource, ns] of [
      ['get', 'clusterbindings', a.providerNamespace],
      ['list', 'secrets', a.providerNamespace],
      ['create', 'apiservicenamespaces', a.providerNamespace],
      ['list', 'widgets', aService],
      ['create', 'secrets', aService],
    ] as const) {
      const r = await asConsumer(aPath, ['auth', 'can-i', verb, resource, '-n', ns]);
      assert.equal(r.stdout.trim(), 'yes', `A should be able to ${verb} ${resource} in ${ns}`);
    }

    const denied: Array<[string, string, string]> = [];
    for (const verb of ['get', 'list', 'create', 'update', 'patch', 'delete']) {
      denied.push([verb, 'clusterbindings', B], [verb, 'secrets', B], [verb, 'apiservicenamespaces', B]);
      denied.push([verb, 'apiserviceexports', B], [verb, 'apiserviceexportrequests', B]);
      denied.push([verb, `widgets.${testGroup}`, bService], [verb, 'secrets', bService]);
    }
    for (const [verb, resource, ns] of denied) {
      const r = await asConsumer(aPath, ['auth', 'can-i', verb, resource, '-n', ns]);
      assert.equal(r.stdout.trim(), 'no', `A must not ${verb} ${resource} in ${ns}`);
    }
    for (const verb of ['get', 'update', 'patch', 'delete']) {
      for (const name of [B, bService]) {
        // A request for namespace X is authorized in namespace X, so ask the question that way.
        const r = await asConsumer(aPath, ['auth', 'can-i', verb, `namespace/${name}`, '-n', name]);
        assert.equal(r.stdout.trim(), 'no', `A must not ${verb} namespace ${name}`);
      }
    }
    assert.equal((await asConsumer(aPath, ['auth', 'can-i', 'list', 'namespaces'])).stdout.trim(), 'no');

    // Real requests, each answered Forbidden.
    const forbidden = async (args: string[], input?: string) => {
      const r = await cluster.kubectl(args, {
        kubeconfigPath: aPath,
        ...(input !== undefined ? { input } : {}),
      });
      assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} succeeded`);
      assert.match(r.stderr, /Forbidden|forbidden/, `kubectl ${args.join(' ')}: ${r.stderr}`);
    };
    await forbidden(['get', 'clusterbinding', 'cluster', '-n', B]);
    await forbidden(['get', 'secret', 'kubeconfig', '-n', B]);
    await forbidden(['get', 'secrets', '-n', B]);
    await forbidden(['delete', 'secret', 'kubeconfig', '-n', B]);
    await forbidden([
      'patch',
      'clusterbinding',
      'cluster',
      '-n',
      B,
      '--type=merge',
      '-p',
      '{"spec":{"providerPrettyName":"x"}}',
    ]);
    await forbidden(['get', 'apiservicenamespaces', '-n', B]);
    await forbidden(['delete', 'apiservicenamespace', 'default', '-n', B]);
    await forbidden(['get', 'apiserviceexports', '-n', B]);
    await forbidden(['get', `widgets.${testGroup}`, 'b-widget', '-n', bService]);
    await forbidden(['get', `widgets.${testGroup}`, '-n', bService]);
    await forbidden(['delete', `widgets.${testGroup}`, 'b-widget', '-n', bService]);
    await forbidden([
      'patch',
      `widgets.${testGroup}`,
      'b-widget',
      '-n',
      bService,
      '--type=merge',
      '-p',
      '{"spec":{"size":"x"}}',
    ]);
    await forbidden(['get', 'secret', 'b-creds', '-n', bService]);
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
        apiVersion: `${testGroup}/v1`,
        kind: 'Widget',
        metadata: { name: 'planted', namespace: bService },
        spec: { size: 's' },
      }),
    );
    await forbidden(['get', 'namespace', B]);
    await forbidden(['get', 'namespace', bService]);
    await forbidden(['delete', 'namespace', bService]);
    await forbidden(['get', 'namespaces']);
    // And B's objects are untouched.
    const widget = await cluster.kubectl([
      'get',
      `widgets.${testGroup}`,
      'b-widget',
      '-n',
      bService,
      '-o',
      'jsonpath={.spec.size}',
    ]);
    assert.equal(widget.stdout, 'large');
  });
});
