import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiServiceNamespaceAnnotation, clusterBindingName, klutchApiVersion } from '@klutch/api';
import { getCondition, isForbidden, KubeClient, ResourceClient, silentLogger } from '@klutch/kube';
import { eventually, startCluster } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { startBackend } from './backend.js';
import type { BackendHandle, BackendOptions } from './backend.js';
import { backendClients } from './backendClients.js';
import type { BackendClients } from './backendClients.js';
import { bindConsumer } from './bindConsumer.js';
import { consumerClusterRoleName, consumerClusterWideRoleName, sourceSpecHashAnnotation } from './names.js';
import {
  applyJson,
  installKlutchCrds,
  testGroup,
  waitEstablished,
  widgetCrd,
  widgetTemplate,
} from './testdata/controlPlane.js';

const run = Math.random().toString(36).slice(2, 8);

describe('backend controllers on a real API server', { timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let clients: BackendClients;
  let backend: BackendHandle | undefined;

  // Cluster-scoped APIs and consumer scope Cluster are exported only with shared reads (None);
  // the refusal of the other modes is checked below and in tenantIsolation.cluster.test.ts.
  const backendOptions = (extra: Partial<BackendOptions> = {}): BackendOptions => ({
    client,
    logger: silentLogger(),
    clusterScopedIsolation: 'None',
    requestTimings: { failAfterMs: 3_000, deleteAfterMs: 10_000 },
    ...extra,
  });

  async function restartBackend(extra: Partial<BackendOptions> = {}): Promise<void> {
    await backend?.stop();
    backend = await startBackend(backendOptions(extra));
  }

  before(async () => {
    cluster = await startCluster({ name: 'backend' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    clients = backendClients(client);
    await installKlutchCrds(cluster);
    await applyJson(cluster, widgetCrd('widgets', 'Widget', 'Namespaced'));
    await applyJson(cluster, widgetCrd('gizmos', 'Gizmo', 'Cluster'));
    await applyJson(cluster, widgetCrd('untemplated', 'Untemplated', 'Namespaced'));
    await waitEstablished(cluster, `widgets.${testGroup}`);
    await waitEstablished(cluster, `gizmos.${testGroup}`);
    await waitEstablished(cluster, `untemplated.${testGroup}`);
    await applyJson(cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'templates' } });
    await applyJson(cluster, widgetTemplate('widgets'));
    await applyJson(cluster, widgetTemplate('gizmos', false));
    await restartBackend();
  });
  after(async () => {
    await backend?.stop();
    await client?.close();
    await cluster?.stop();
  });

  async function bind(name: string): Promise<string> {
    const r = await bindConsumer({ client, identity: `${name}-${run}#c1` });
    return r.providerNamespace;
  }

  async function createRequest(namespace: string, resource: string): Promise<void> {
    await clients.exportRequests.create({
      apiVersion: klutchApiVersion,
      kind: 'APIServiceExportRequest',
      metadata: { name: `${resource}.${testGroup}`, namespace },
      spec: { resources: [{ group: testGroup, resource }] },
    });
  }

  it('answers an export request with an export (template claims, consumer scope), Succeeded, then deletes it on a timer', async () => {
    const ns = await bind('requests');
    await createRequest(ns, 'widgets');
    const exp = await eventually(() => clients.exports.get(`widgets.${testGroup}`, { namespace: ns }));
    assert.equal(exp.spec.informerScope, 'Namespaced');
    assert.equal(exp.spec.scope, 'Namespaced');
    assert.equal(exp.spec.clusterScopedIsolation, undefined);
    assert.deepEqual(
      exp.spec.permissionClaims?.map((c) => [c.group, c.resource, c.version]),
      [['', 'secrets', 'v1']],
    );
    assert.equal(exp.spec.versions[0]?.name, 'v1');
    assert.ok(exp.metadata.annotations?.[sourceSpecHashAnnotation]);
    const req = await eventually(async () => {
      const r = await clients.exportRequests.get(`widgets.${testGroup}`, { namespace: ns });
      assert.equal(r.status?.phase, 'Succeeded');
      return r;
    });
    assert.equal(getCondition(req.status?.conditions, 'ExportsReady')?.status, 'True');
    assert.equal(getCondition(req.status?.conditions, 'Ready')?.status, 'True');
    // Nothing changes any more, so only the timer can delete it.
    await eventually(
      async () =>
        assert.equal(
          await clients.exportRequests.tryGet(`widgets.${testGroup}`, { namespace: ns }),
          undefined,
        ),
      30_000,
    );
  });

  it('exports a cluster-scoped CRD with informerScope Cluster and isolation None, and refuses it with Prefixed', async () => {
    const ns = await bind('cluster-scoped');
    await createRequest(ns, 'gizmos');
    const exp = await eventually(() => clients.exports.get(`gizmos.${testGroup}`, { namespace: ns }));
    assert.equal(exp.spec.scope, 'Cluster');
    assert.equal(exp.spec.informerScope, 'Cluster');
    assert.equal(exp.spec.clusterScopedIsolation, 'None');

    await restartBackend({ clusterScopedIsolation: 'Prefixed' });
    try {
      const refusedNs = await bind('cluster-scoped-prefixed');
      await createRequest(refusedNs, 'gizmos');
      const failed = await eventually(async () => {
        const r = await clients.exportRequests.get(`gizmos.${testGroup}`, { namespace: refusedNs });
        assert.equal(r.status?.phase, 'Failed');
        return r;
      });
      assert.equal(getCondition(failed.status?.conditions, 'Ready')?.reason, 'IsolationNotEnforceable');
      assert.match(failed.status?.terminalMessage ?? '', /--cluster-scoped-isolation None/);
      assert.equal(await clients.exports.tryGet(`gizmos.${testGroup}`, { namespace: refusedNs }), undefined);
    } finally {
      await restartBackend();
    }
  });

  it('reports a missing template or CRD with a clear condition, and fails the request after the timeout', async () => {
    const ns = await bind('failing');
    await createRequest(ns, 'untemplated');
    await createRequest(ns, 'nosuchthings');
    const pending = await eventually(async () => {
      const r = await clients.exportRequests.get(`untemplated.${testGroup}`, { namespace: ns });
      assert.equal(getCondition(r.status?.conditions, 'ExportsReady')?.status, 'False');
      return r;
    });
    const cond = getCondition(pending.status?.conditions, 'ExportsReady');
    assert.equal(cond?.reason, 'APIServiceExportTemplateNotFound');
    assert.match(cond?.message ?? '', /no APIServiceExportTemplate .*untemplated/);
    const failed = await eventually(async () => {
      const r = await clients.exportRequests.get(`untemplated.${testGroup}`, { namespace: ns });
      assert.equal(r.status?.phase, 'Failed');
      return r;
    }, 20_000);
    assert.match(failed.status?.terminalMessage ?? '', /APIServiceExportTemplate/);
    const missing = await eventually(async () => {
      const r = await clients.exportRequests.get(`nosuchthings.${testGroup}`, { namespace: ns });
      assert.equal(r.status?.phase, 'Failed');
      return r;
    }, 20_000);
    assert.equal(getCondition(missing.status?.conditions, 'ExportsReady')?.reason, 'CRDNotFound');
    assert.equal(getCondition(missing.status?.conditions, 'Ready')?.status, 'False');
    assert.match(
      missing.status?.terminalMessage ?? '',
      /CustomResourceDefinition nosuchthings\.test\.klutch\.dev .*not found/,
    );
    assert.equal(await clients.exports.tryGet(`untemplated.${testGroup}`, { namespace: ns }), undefined);
  });

  it('keeps an export in line with its CRD, and deletes it when the CRD is deleted', async () => {
    await applyJson(cluster, widgetCrd('sprockets', 'Sprocket', 'Namespaced'));
    await waitEstablished(cluster, `sprockets.${testGroup}`);
    await applyJson(cluster, widgetTemplate('sprockets', false));
    const ns = await bind('drift');
    await createRequest(ns, 'sprockets');
    const before = await eventually(async () => {
      const e = await clients.exports.get(`sprockets.${testGroup}`, { namespace: ns });
      assert.equal(getCondition(e.status?.conditions, 'ProviderInSync')?.status, 'True');
      return e;
    });
    await applyJson(cluster, widgetCrd('sprockets', 'Sprocket', 'Namespaced', 'teeth'));
    const afterChange = await eventually(async () => {
      const e = await clients.exports.get(`sprockets.${testGroup}`, { namespace: ns });
      assert.match(JSON.stringify(e.spec.versions[0]?.schema), /teeth/);
      return e;
    });
    assert.notEqual(
      afterChange.metadata.annotations?.[sourceSpecHashAnnotation],
      before.metadata.annotations?.[sourceSpecHashAnnotation],
    );
    assert.equal(afterChange.spec.informerScope, 'Namespaced');
    const del = await cluster.kubectl(['delete', 'crd', `sprockets.${testGroup}`]);
    assert.equal(del.code, 0, del.stderr);
    await eventually(async () =>
      assert.equal(await clients.exports.tryGet(`sprockets.${testGroup}`, { namespace: ns }), undefined),
    );
  });

  it('creates a service namespace with its RoleBinding and status, and deletes it with the APIServiceNamespace', async () => {
    const ns = await bind('servicens');
    await clients.serviceNamespaces.create({
      apiVersion: klutchApiVersion,
      kind: 'APIServiceNamespace',
      metadata: { name: 'default', namespace: ns },
      spec: {},
    });
    const target = `${ns}-default`;
    const sn = await eventually(async () => {
      const s = await clients.serviceNamespaces.get('default', { namespace: ns });
      assert.equal(s.status?.namespace, target);
      return s;
    });
    assert.equal(sn.status?.namespace, target);
    const namespace = await clients.namespaces.get(target);
    assert.equal(namespace.metadata.annotations?.[apiServiceNamespaceAnnotation], `${ns}/default`);
    const rb = await eventually(() => clients.roleBindings.get('klutch-binder', { namespace: target }));
    assert.deepEqual(rb.subjects, [{ kind: 'ServiceAccount', name: 'klutch-binder', namespace: ns }]);
    assert.equal(rb.roleRef.name, consumerClusterRoleName(ns));

    // A long consumer namespace gives a capped, hashed name.
    const long = `a-very-long-consumer-namespace-name-that-needs-capping-${run}`;
    await clients.serviceNamespaces.create({
      apiVersion: klutchApiVersion,
      kind: 'APIServiceNamespace',
      metadata: { name: long, namespace: ns },
      spec: {},
    });
    const capped = await eventually(async () => {
      const s = await clients.serviceNamespaces.get(long, { namespace: ns });
      assert.ok(s.status?.namespace);
      return s.status.namespace;
    });
    assert.ok(capped.length <= 63, capped);
    assert.match(capped, /-[0-9a-f]{10}$/);

    await clients.serviceNamespaces.delete('default', { namespace: ns });
    await clients.serviceNamespaces.delete(long, { namespace: ns });
    await eventually(async () => {
      for (const name of [target, capped]) {
        const n = await clients.namespaces.tryGet(name);
        assert.ok(n === undefined || n.metadata.deletionTimestamp, `${name} still exists`);
      }
    });
  });

  it('maintains per-consumer RBAC for scope Namespaced and Cluster, and switches between them', async () => {
    const ns = await bind('rbac');
    await createRequest(ns, 'widgets');
    await clients.serviceNamespaces.create({
      apiVersion: klutchApiVersion,
      kind: 'APIServiceNamespace',
      metadata: { name: 'apps', namespace: ns },
      spec: {},
    });
    const role = await eventually(async () => {
      const r = await clients.clusterRoles.get(consumerClusterRoleName(ns));
      assert.equal(r.rules?.length, 2);
      return r;
    });
    assert.deepEqual(
      role.rules?.map((r) => [r.apiGroups[0], r.resources[0]]),
      [
        ['', 'secrets'],
        [testGroup, 'widgets'],
      ],
    );
    assert.equal(role.metadata.ownerReferences?.[0]?.kind, 'Namespace');
    const providerRb = await clients.roleBindings.get('klutch-binder', { namespace: ns });
    assert.equal(providerRb.roleRef.name, 'klutch-binder');
    await eventually(() => clients.roleBindings.get('klutch-binder', { namespace: `${ns}-apps` }));
    assert.equal(await clients.clusterRoleBindings.tryGet(consumerClusterRoleName(ns)), undefined);

    assert.equal(await clients.clusterRoles.tryGet(consumerClusterWideRoleName(ns)), undefined);

    await restartBackend({ consumerScope: 'Cluster' });
    const crb = await eventually(() => clients.clusterRoleBindings.get(consumerClusterRoleName(ns)));
    assert.deepEqual(crb.subjects, [{ kind: 'ServiceAccount', name: 'klutch-binder', namespace: ns }]);
    assert.equal(crb.roleRef.name, consumerClusterWideRoleName(ns));
    // Cluster-wide: the exported resource only, never the claimed Secrets.
    const wide = await clients.clusterRoles.get(consumerClusterWideRoleName(ns));
    assert.deepEqual(
      wide.rules?.map((r) => [r.apiGroups[0], r.resources[0]]),
      [[testGroup, 'widgets']],
    );
    assert.equal(wide.metadata.ownerReferences?.[0]?.kind, 'Namespace');
    assert.equal(wide.metadata.ownerReferences?.[0]?.name, ns);
    // The service namespace keeps its RoleBinding: it is how the claimed resources are granted.
    const appsRb = await clients.roleBindings.get('klutch-binder', { namespace: `${ns}-apps` });
    assert.equal(appsRb.roleRef.name, consumerClusterRoleName(ns));
    // Stable: several reconciles later it is still the same object (no delete/create flapping).
    await clients.exports.patch(`widgets.${testGroup}`, { metadata: { labels: { poke: '1' } } }, 'merge', {
      namespace: ns,
    });
    await new Promise((r) => setTimeout(r, 1500));
    const crbLater = await clients.clusterRoleBindings.get(consumerClusterRoleName(ns));
    assert.equal(crbLater.metadata.uid, crb.metadata.uid);
    const appsRbLater = await clients.roleBindings.get('klutch-binder', { namespace: `${ns}-apps` });
    assert.equal(appsRbLater.metadata.uid, appsRb.metadata.uid);

    await restartBackend({ consumerScope: 'Namespaced' });
    await eventually(async () => {
      assert.equal(await clients.clusterRoleBindings.tryGet(consumerClusterRoleName(ns)), undefined);
      assert.equal(await clients.clusterRoles.tryGet(consumerClusterWideRoleName(ns)), undefined);
    });
    await clients.exports.patch(`widgets.${testGroup}`, { metadata: { labels: { poke: '2' } } }, 'merge', {
      namespace: ns,
    });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await clients.clusterRoleBindings.tryGet(consumerClusterRoleName(ns)), undefined);
    assert.equal(await clients.clusterRoles.tryGet(consumerClusterWideRoleName(ns)), undefined);
    assert.ok(await clients.clusterRoles.get(consumerClusterRoleName(ns)));
    const appsRbAfter = await clients.roleBindings.get('klutch-binder', { namespace: `${ns}-apps` });
    assert.equal(appsRbAfter.metadata.uid, appsRb.metadata.uid);
  });

  it('grants a cluster-scoped export cluster-wide with scope Namespaced, and removes the grant with the export', async () => {
    await applyJson(cluster, widgetCrd('doohickeys', 'Doohickey', 'Cluster'));
    await waitEstablished(cluster, `doohickeys.${testGroup}`);
    await applyJson(cluster, widgetTemplate('doohickeys', false));
    const bound = await bindConsumer({
      client,
      identity: `doohickeys-${run}#c1`,
      requests: [
        { group: testGroup, resource: 'widgets' },
        { group: testGroup, resource: 'doohickeys' },
      ],
    });
    const ns = bound.providerNamespace;
    await eventually(() => clients.exports.get(`doohickeys.${testGroup}`, { namespace: ns }));
    const crb = await eventually(async () => {
      const b = await clients.clusterRoleBindings.get(consumerClusterRoleName(ns));
      const r = await clients.clusterRoles.get(b.roleRef.name);
      assert.deepEqual(
        r.rules?.map((x) => [x.apiGroups[0], x.resources[0], x.verbs.length]),
        [[testGroup, 'doohickeys', 7]],
      );
      return b;
    });
    assert.equal(crb.roleRef.name, consumerClusterWideRoleName(ns));
    assert.deepEqual(crb.subjects, [{ kind: 'ServiceAccount', name: 'klutch-binder', namespace: ns }]);

    const consumer = KubeClient.from({ text: bound.kubeconfig });
    try {
      const gvr = (resource: string, namespaced: boolean) => ({
        group: testGroup,
        version: 'v1',
        resource,
        namespaced,
      });
      const doohickeys = new ResourceClient(consumer, gvr('doohickeys', false));
      const name = `${ns}-d1`;
      await doohickeys.create({
        apiVersion: `${testGroup}/v1`,
        kind: 'Doohickey',
        metadata: { name },
        spec: { size: 's' },
      });
      const listed = await doohickeys.list();
      assert.ok(listed.items.some((o) => o.metadata.name === name));
      // The namespaced export is still not granted cluster-wide with scope Namespaced.
      const widgets = new ResourceClient(consumer, gvr('widgets', true));
      await assert.rejects(widgets.list(), (err: unknown) => isForbidden(err));
      await assert.rejects(widgets.list({ namespace: 'default' }), (err: unknown) => isForbidden(err));

      // The export goes away with its CRD: the cluster-wide grant goes with it, once and for good.
      const del = await cluster.kubectl(['delete', 'crd', `doohickeys.${testGroup}`]);
      assert.equal(del.code, 0, del.stderr);
      await eventually(async () => {
        assert.equal(await clients.exports.tryGet(`doohickeys.${testGroup}`, { namespace: ns }), undefined);
        assert.equal(await clients.clusterRoleBindings.tryGet(consumerClusterRoleName(ns)), undefined);
        assert.equal(await clients.clusterRoles.tryGet(consumerClusterWideRoleName(ns)), undefined);
      });
      await clients.exports.patch(`widgets.${testGroup}`, { metadata: { labels: { poke: '1' } } }, 'merge', {
        namespace: ns,
      });
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await clients.clusterRoleBindings.tryGet(consumerClusterRoleName(ns)), undefined);
      assert.equal(await clients.clusterRoles.tryGet(consumerClusterWideRoleName(ns)), undefined);
      const role = await clients.clusterRoles.get(consumerClusterRoleName(ns));
      assert.deepEqual(
        role.rules?.map((x) => [x.apiGroups[0], x.resources[0]]),
        [
          ['', 'secrets'],
          [testGroup, 'widgets'],
        ],
      );
    } finally {
      await consumer.close();
    }
  });

  it('computes Healthy from heartbeats: pending, healthy, timeout noticed by a timer, and clock drift', async () => {
    const ns = await bind('health');
    const healthy = async () => {
      const cb = await clients.clusterBindings.get(clusterBindingName, { namespace: ns });
      return getCondition(cb.status?.conditions, 'Healthy');
    };
    await eventually(async () => assert.equal((await healthy())?.reason, 'FirstHeartbeatPending'));
    const heartbeat = async (at: Date, interval: string) => {
      await clients.clusterBindings.patch(
        clusterBindingName,
        {
          status: {
            lastHeartbeatTime: at.toISOString().replace(/\.\d+Z$/, 'Z'),
            heartbeatInterval: interval,
          },
        },
        'merge',
        { namespace: ns, subresource: 'status' },
      );
    };
    await heartbeat(new Date(), '2s');
    await eventually(async () => assert.equal((await healthy())?.status, 'True'));
    // No further write: only the backend's timer can notice that 2 × 2 s passed.
    const timedOut = await eventually(async () => {
      const c = await healthy();
      assert.equal(c?.reason, 'HeartbeatTimeout');
      return c;
    }, 15_000);
    assert.equal(timedOut?.severity, 'Error');
    const cb = await clients.clusterBindings.get(clusterBindingName, { namespace: ns });
    assert.equal(getCondition(cb.status?.conditions, 'Ready')?.status, 'False');

    await heartbeat(new Date(Date.now() + 120_000), '5m0s');
    const drift = await eventually(async () => {
      const c = await healthy();
      assert.equal(c?.reason, 'HeartbeatTimeDrift');
      return c;
    });
    assert.equal(drift?.severity, 'Warning');

    await heartbeat(new Date(), '5m0s');
    await eventually(async () => assert.equal((await healthy())?.status, 'True'));
    await heartbeat(new Date(), 'not-a-duration');
    await eventually(async () => assert.equal((await healthy())?.reason, 'HeartbeatIntervalMissing'));
  });

  it('serves /readyz and /metrics when given a health address', async () => {
    await restartBackend({ healthAddress: '127.0.0.1:0' });
    const url = backend?.healthUrl;
    assert.ok(url);
    await eventually(async () => assert.equal((await fetch(`${url}/readyz`)).status, 200));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /controller_reconcile_total/);
  });
});
