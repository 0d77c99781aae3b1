import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { klutchApiVersion } from '@klutch/api';
import { getCondition, isForbidden, KubeClient, ResourceClient, silentLogger } from '@klutch/kube';
import type { KubeObject } from '@klutch/kube';
import { eventually, startCluster } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { startBackend } from './backend.js';
import type { BackendHandle } from './backend.js';
import { backendClients } from './backendClients.js';
import type { BackendClients } from './backendClients.js';
import type { ClusterScopedIsolation, ConsumerScope } from './backendSettings.js';
import {
  applyJson,
  installKlutchCrds,
  testGroup,
  waitEstablished,
  widgetCrd,
  widgetTemplate,
} from './testdata/controlPlane.js';

// The isolation matrix, attacked on a real API server: for every consumer scope and
// --cluster-scoped-isolation, two consumers bound by the backend use their OWN credentials (the
// kubeconfigs the backend issued) directly against the API server, and consumer A tries to read
// and change consumer B's objects of a namespaced API (widgets, claiming Secrets) and of a
// cluster-scoped API (gizmos). Literal reasons and keys on purpose: the test states the contract.
const run = Math.random().toString(36).slice(2, 7);
const widgetsName = `widgets.${testGroup}`;
const gizmosName = `gizmos.${testGroup}`;
const clusterNamespaceKey = 'klutch.anynines.com/cluster-namespace';

type Expected = 'isolated' | 'shared' | RegExp[];

/** What the matrix says for a namespaced API and for a cluster-scoped API. */
function expectations(scope: ConsumerScope, isolation: ClusterScopedIsolation): [Expected, Expected] {
  const widgets: Expected =
    scope === 'Namespaced'
      ? 'isolated'
      : isolation === 'None'
        ? 'shared'
        : [/--consumer-scope Namespaced/, /--cluster-scoped-isolation None/];
  const gizmos: Expected =
    isolation === 'None'
      ? 'shared'
      : isolation === 'Prefixed'
        ? [/cluster-scoped APIs cannot be read-isolated/, /--cluster-scoped-isolation None/]
        : [/cannot live in a namespace/, /--cluster-scoped-isolation None/];
  return [widgets, gizmos];
}

const sizeOf = (o: KubeObject) => (o.spec as { size?: string } | undefined)?.size;

async function forbidden(what: string, attempt: () => Promise<unknown>): Promise<void> {
  try {
    await attempt();
  } catch (err) {
    assert.ok(isForbidden(err), `${what}: expected 403 Forbidden, got ${String(err)}`);
    return;
  }
  assert.fail(`${what}: succeeded, but must be Forbidden`);
}

async function allowed<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    assert.fail(`${what}: must be allowed, got ${String(err)}`);
  }
}

/** Opens a watch and reads until the first event or the end of a 1 s watch (403 throws). */
async function watchOnce(rc: ResourceClient, namespace?: string): Promise<void> {
  const ac = new AbortController();
  const events = rc.watch({ ...(namespace ? { namespace } : {}), timeoutSeconds: 1, signal: ac.signal });
  try {
    await events.next();
  } finally {
    ac.abort();
    await events.return(undefined).catch(() => undefined);
  }
}

interface Tenant {
  providerNamespace: string;
  serviceNamespace: string;
  client: KubeClient;
  widgets: ResourceClient;
  gizmos: ResourceClient;
  secrets: ResourceClient;
}

describe('tenant isolation matrix on a real API server', { timeout: 900_000 }, () => {
  let cluster: TestCluster;
  let admin: KubeClient;
  let clients: BackendClients;
  let adminWidgets: ResourceClient;
  let adminGizmos: ResourceClient;
  let backend: BackendHandle | undefined;
  const tenants: Tenant[] = [];

  before(async () => {
    cluster = await startCluster({ name: 'isolation' });
    admin = KubeClient.from({ file: cluster.kubeconfigPath });
    clients = backendClients(admin);
    await installKlutchCrds(cluster);
    await applyJson(cluster, widgetCrd('widgets', 'Widget', 'Namespaced'));
    await applyJson(cluster, widgetCrd('gizmos', 'Gizmo', 'Cluster'));
    await waitEstablished(cluster, widgetsName);
    await waitEstablished(cluster, gizmosName);
    for (const name of ['templates', 'outside'])
      await applyJson(cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await applyJson(cluster, widgetTemplate('widgets'));
    await applyJson(cluster, widgetTemplate('gizmos', false));
    adminWidgets = new ResourceClient(admin, gvr('widgets', true));
    adminGizmos = new ResourceClient(admin, gvr('gizmos', false));
  });
  after(async () => {
    await backend?.stop();
    await Promise.allSettled(tenants.map((t) => t.client.close()));
    await admin?.close();
    await cluster?.stop();
  });

  function gvr(resource: string, namespaced: boolean) {
    return { group: testGroup, version: 'v1', resource, namespaced };
  }

  const widget = (name: string, namespace: string, size = 's'): KubeObject => ({
    apiVersion: `${testGroup}/v1`,
    kind: 'Widget',
    metadata: { name, namespace },
    spec: { size },
  });
  const gizmo = (name: string, owner?: string, size = 's'): KubeObject => ({
    apiVersion: `${testGroup}/v1`,
    kind: 'Gizmo',
    metadata: { name, ...(owner ? { annotations: { [clusterNamespaceKey]: owner } } : {}) },
    spec: { size },
  });

  async function bindTenant(name: string): Promise<Tenant> {
    assert.ok(backend);
    const r = await backend.bind(`${name}#${run}`, [
      { group: testGroup, resource: 'widgets' },
      { group: testGroup, resource: 'gizmos' },
    ]);
    const client = KubeClient.from({ text: r.kubeconfig });
    const own = backendClients(client);
    // The consumer asks for its service namespace itself, as the konnector does.
    await own.serviceNamespaces.create({
      apiVersion: klutchApiVersion,
      kind: 'APIServiceNamespace',
      metadata: { name: 'apps', namespace: r.providerNamespace },
      spec: {},
    });
    const serviceNamespace = await eventually(async () => {
      const sn = await clients.serviceNamespaces.get('apps', { namespace: r.providerNamespace });
      assert.ok(sn.status?.namespace);
      return sn.status.namespace;
    });
    const tenant: Tenant = {
      providerNamespace: r.providerNamespace,
      serviceNamespace,
      client,
      widgets: new ResourceClient(client, gvr('widgets', true)),
      gizmos: new ResourceClient(client, gvr('gizmos', false)),
      secrets: new ResourceClient(client, {
        group: '',
        version: 'v1',
        resource: 'secrets',
        namespaced: true,
      }),
    };
    tenants.push(tenant);
    return tenant;
  }

  /** Waits for the request's outcome and checks it against the matrix. */
  async function checkRequest(ns: string, name: string, expected: Expected): Promise<void> {
    const req = await eventually(async () => {
      const r = await clients.exportRequests.get(name, { namespace: ns });
      assert.notEqual(r.status?.phase ?? 'Pending', 'Pending', `${name} in ${ns} still Pending`);
      return r;
    }, 30_000);
    if (!Array.isArray(expected)) {
      assert.equal(req.status?.phase, 'Succeeded', `${name}: ${JSON.stringify(req.status)}`);
      assert.ok(await clients.exports.get(name, { namespace: ns }));
      return;
    }
    // Refused at once (the backend's default failAfterMs is a minute), with a condition naming the fix.
    assert.equal(req.status?.phase, 'Failed', `${name}: ${JSON.stringify(req.status)}`);
    for (const type of ['ExportsReady', 'Ready']) {
      const c = getCondition(req.status?.conditions, type);
      assert.equal(c?.status, 'False', type);
      assert.equal(c?.reason, 'IsolationNotEnforceable', type);
      for (const re of expected) assert.match(c?.message ?? '', re);
    }
    for (const re of expected) assert.match(req.status?.terminalMessage ?? '', re);
    assert.equal(await clients.exports.tryGet(name, { namespace: ns }), undefined, `no export ${name}`);
  }

  const scopes: ConsumerScope[] = ['Namespaced', 'Cluster'];
  const isolations: ClusterScopedIsolation[] = ['Prefixed', 'Namespaced', 'None'];
  for (const scope of scopes)
    for (const isolation of isolations)
      it(`consumer scope ${scope}, --cluster-scoped-isolation ${isolation}`, async () => {
        await backend?.stop();
        backend = await startBackend({
          client: admin,
          logger: silentLogger(),
          consumerScope: scope,
          clusterScopedIsolation: isolation,
        });
        const tag = `${scope}-${isolation}`.toLowerCase();
        const a = await bindTenant(`a-${tag}`);
        const b = await bindTenant(`b-${tag}`);
        const A = a.providerNamespace;
        const B = b.providerNamespace;
        const [widgetsExpected, gizmosExpected] = expectations(scope, isolation);
        await checkRequest(A, widgetsName, widgetsExpected);
        await checkRequest(A, gizmosName, gizmosExpected);
        await checkRequest(B, widgetsName, widgetsExpected);

        // B's objects, made by the operator: the targets of A's attacks.
        await adminWidgets.create(widget('wb', b.serviceNamespace, 'b-size'));
        await adminGizmos.create(gizmo(`${B}-gb`, B, 'b-size'));
        await applyJson(cluster, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'b-creds', namespace: b.serviceNamespace },
          stringData: { password: 'b-secret' },
        });

        // Reviews stay possible (kubectl auth can-i) whatever the write policy does.
        await allowed('SelfSubjectAccessReview', () =>
          a.client.request({
            method: 'POST',
            path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: { resourceAttributes: { verb: 'list', resource: 'secrets', namespace: A } },
            },
          }),
        );

        // --- The namespaced API.
        const aSvc = a.serviceNamespace;
        const bSvc = b.serviceNamespace;
        if (widgetsExpected === 'isolated' || widgetsExpected === 'shared') {
          // Own objects in its own service namespace: every verb (RBAC may need a moment).
          await eventually(() => a.widgets.create(widget('wa', aSvc)));
          await allowed('get own widget', () => a.widgets.get('wa', { namespace: aSvc }));
          await allowed('list own widgets', () => a.widgets.list({ namespace: aSvc }));
          await allowed('watch own widgets', () => watchOnce(a.widgets, aSvc));
          const got = await a.widgets.get('wa', { namespace: aSvc });
          await allowed('update own widget', () => a.widgets.update({ ...got, spec: { size: 'm' } }));
          await allowed('patch own widget', () =>
            a.widgets.patch('wa', { spec: { size: 'l' } }, 'merge', { namespace: aSvc }),
          );
          await allowed('delete own widget', () => a.widgets.delete('wa', { namespace: aSvc }));
          await allowed('list own claimed Secrets', () => a.secrets.list({ namespace: aSvc }));
        }
        if (widgetsExpected === 'shared') {
          // Shared reads (the documented opt-in)...
          const seen = await eventually(() => a.widgets.get('wb', { namespace: bSvc }));
          assert.equal(seen.metadata.name, 'wb');
          const all = await allowed('list widgets cluster-wide', () => a.widgets.list());
          assert.ok(all.items.some((w) => w.metadata.name === 'wb'));
          await allowed('watch widgets cluster-wide', () => watchOnce(a.widgets));
          await allowed('list widgets of B', () => a.widgets.list({ namespace: bSvc }));
        } else {
          await forbidden("get B's widget", () => a.widgets.get('wb', { namespace: bSvc }));
          await forbidden("list B's widgets", () => a.widgets.list({ namespace: bSvc }));
          await forbidden("watch B's widgets", () => watchOnce(a.widgets, bSvc));
          await forbidden('list widgets cluster-wide', () => a.widgets.list());
          await forbidden('watch widgets cluster-wide', () => watchOnce(a.widgets));
        }
        // ...but writes are owner-only in every combination.
        const wb = await adminWidgets.get('wb', { namespace: bSvc });
        await forbidden("update B's widget", () => a.widgets.update({ ...wb, spec: { size: 'evil' } }));
        await forbidden("patch B's widget", () =>
          a.widgets.patch('wb', { spec: { size: 'evil' } }, 'merge', { namespace: bSvc }),
        );
        await forbidden("delete B's widget", () => a.widgets.delete('wb', { namespace: bSvc }));
        await forbidden("create in B's service namespace", () => a.widgets.create(widget('planted', bSvc)));
        await forbidden('create in a namespace that is no service namespace', () =>
          a.widgets.create(widget('planted', 'outside')),
        );
        await forbidden('create in its own provider namespace', () => a.widgets.create(widget('planted', A)));
        assert.equal(sizeOf(await adminWidgets.get('wb', { namespace: bSvc })), 'b-size');
        for (const ns of [bSvc, 'outside', A])
          assert.equal(await adminWidgets.tryGet('planted', { namespace: ns }), undefined, ns);

        // --- Claimed Secrets never leave the consumer's own service namespaces.
        await forbidden("get B's claimed Secret", () => a.secrets.get('b-creds', { namespace: bSvc }));
        await forbidden("list B's claimed Secrets", () => a.secrets.list({ namespace: bSvc }));
        await forbidden("delete B's claimed Secret", () => a.secrets.delete('b-creds', { namespace: bSvc }));
        await forbidden("get B's kubeconfig Secret", () => a.secrets.get('kubeconfig', { namespace: B }));
        await forbidden('list Secrets cluster-wide', () => a.secrets.list());

        // --- The cluster-scoped API.
        if (gizmosExpected === 'shared') {
          // Own objects: prefixed, with or without the cluster-namespace annotation.
          await eventually(() => a.gizmos.create(gizmo(`${A}-ga`, A)));
          await allowed('create own gizmo without annotation', () => a.gizmos.create(gizmo(`${A}-plain`)));
          await allowed('get own gizmo', () => a.gizmos.get(`${A}-ga`));
          const own = await a.gizmos.get(`${A}-ga`);
          await allowed('update own gizmo', () => a.gizmos.update({ ...own, spec: { size: 'm' } }));
          await allowed('patch own gizmo', () => a.gizmos.patch(`${A}-ga`, { spec: { size: 'l' } }, 'merge'));
          await allowed('delete own gizmo', () => a.gizmos.delete(`${A}-plain`));
          // Shared reads: every consumer sees every gizmo.
          const all = await allowed('list gizmos', () => a.gizmos.list());
          assert.ok(all.items.some((g) => g.metadata.name === `${B}-gb`));
          await allowed("get B's gizmo", () => a.gizmos.get(`${B}-gb`));
          await allowed('watch gizmos', () => watchOnce(a.gizmos));
          // Handing its own object to B, or dropping into B's name space, is refused.
          await forbidden("set the cluster-namespace annotation of its own gizmo to B's", () =>
            a.gizmos.patch(`${A}-ga`, { metadata: { annotations: { [clusterNamespaceKey]: B } } }, 'merge'),
          );
          await forbidden("create a gizmo with its prefix but B's annotation", () =>
            a.gizmos.create(gizmo(`${A}-y`, B)),
          );
        } else {
          await forbidden('list gizmos', () => a.gizmos.list());
          await forbidden("get B's gizmo", () => a.gizmos.get(`${B}-gb`));
          await forbidden('watch gizmos', () => watchOnce(a.gizmos));
          await forbidden('create a gizmo with its own prefix', () => a.gizmos.create(gizmo(`${A}-ga`, A)));
        }
        await forbidden("create a gizmo with B's prefix", () => a.gizmos.create(gizmo(`${B}-planted`, B)));
        await forbidden("create a gizmo with B's prefix, without annotation", () =>
          a.gizmos.create(gizmo(`${B}-planted`)),
        );
        await forbidden('create a gizmo without any prefix', () => a.gizmos.create(gizmo(`planted-${tag}`)));
        const gb = await adminGizmos.get(`${B}-gb`);
        await forbidden("update B's gizmo", () => a.gizmos.update({ ...gb, spec: { size: 'evil' } }));
        await forbidden("patch B's gizmo", () =>
          a.gizmos.patch(`${B}-gb`, { spec: { size: 'evil' } }, 'merge'),
        );
        await forbidden("take B's gizmo over by its annotation", () =>
          a.gizmos.patch(`${B}-gb`, { metadata: { annotations: { [clusterNamespaceKey]: A } } }, 'merge'),
        );
        await forbidden("delete B's gizmo", () => a.gizmos.delete(`${B}-gb`));
        const gbAfter = await adminGizmos.get(`${B}-gb`);
        assert.equal(sizeOf(gbAfter), 'b-size');
        assert.equal(gbAfter.metadata.annotations?.[clusterNamespaceKey], B);
        for (const name of [`${B}-planted`, `planted-${tag}`, `${A}-y`])
          assert.equal(await adminGizmos.tryGet(name), undefined, name);

        // The operator (and the backend) are not constrained by the consumer write policy.
        await allowed('operator writes anywhere', async () => {
          await adminGizmos.create(gizmo(`operator-${tag}`));
          await adminGizmos.delete(`operator-${tag}`);
        });
      });
});
