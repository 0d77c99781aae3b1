import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rotateConsumerCredentials } from '@klutch/backend';
import type { BackendHandle } from '@klutch/backend';
import { KubeClient, ResourceClient } from '@klutch/kube';
import type { KubeObject } from '@klutch/kube';
import { parse, stringify } from 'yaml';
import { eventually, startClusters } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { boundAnnotation, syncerFinalizer } from './konnectorNames.js';
import type { KonnectorHandle } from './startKonnector.js';
import {
  applyJson,
  bindAppCluster,
  gvr,
  prepareControlPlane,
  startTestBackend,
  startTestKonnector,
  suffix,
  testCrd,
  type BoundConsumer,
} from './testing/bindingTestbed.js';

describe('konnector end to end (one control plane, two app clusters)', () => {
  let cp: TestCluster;
  let appA: TestCluster;
  let appB: TestCluster;
  let backend: BackendHandle;
  let a: BoundConsumer;
  let b: BoundConsumer | undefined;
  const konnectors: KonnectorHandle[] = [];
  let cpAdmin: KubeClient;
  let cpWidgets: ResourceClient;
  let cpSecrets: ResourceClient;
  let cpNamespaces: ResourceClient;
  let aWidgets: ResourceClient;
  let aSecrets: ResourceClient;

  before(async () => {
    const clusters = await startClusters(['cp', 'app-a', 'app-b']);
    [cp, appA, appB] = clusters as [TestCluster, TestCluster, TestCluster];
    await prepareControlPlane(cp);
    backend = await startTestBackend(cp);
    a = await bindAppCluster(backend, appA, 'user-a#aaaaaa', ['widgets', 'gadgets']);
    b = await bindAppCluster(backend, appB, 'user-b#bbbbbb', ['widgets']);
    konnectors.push(await startTestKonnector(appA), await startTestKonnector(appB));
    cpAdmin = KubeClient.from({ file: cp.kubeconfigPath });
    cpWidgets = new ResourceClient(cpAdmin, gvr('widgets'));
    cpSecrets = new ResourceClient(cpAdmin, {
      group: '',
      version: 'v1',
      resource: 'secrets',
      namespaced: true,
    });
    cpNamespaces = new ResourceClient(cpAdmin, {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      namespaced: false,
    });
    aWidgets = new ResourceClient(a.app, gvr('widgets'));
    aSecrets = new ResourceClient(a.app, { group: '', version: 'v1', resource: 'secrets', namespaced: true });
  });

  after(async () => {
    await Promise.allSettled(konnectors.map((k) => k.stop()));
    await backend?.stop();
    await Promise.allSettled([cp, appA, appB].map((c) => c?.stop()));
  });

  it('installs the CRD and reports the binding Ready', async () => {
    await eventually(async () => {
      const r = await appA.kubectl([
        'get',
        'apiservicebinding',
        '-n',
        'klutch-bind',
        'widgets.konnector.test',
        '-o',
        'json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const binding = JSON.parse(r.stdout) as {
        status?: { conditions?: Array<{ type: string; status: string; message?: string }> };
      };
      const ready = binding.status?.conditions?.find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'True', JSON.stringify(binding.status));
    }, 60_000);
    const crd = await appA.kubectl([
      'get',
      'crd',
      'widgets.konnector.test',
      '-o',
      'jsonpath={.metadata.ownerReferences[0].kind}',
    ]);
    assert.equal(crd.stdout, 'APIServiceBinding');
  });

  it('happy path: create, update, status back, delete', async () => {
    const ns = `happy-${suffix()}`;
    await applyJson(appA, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await aWidgets.create({
      apiVersion: `konnector.test/v1`,
      kind: 'Widget',
      metadata: { name: 'w1', namespace: ns, labels: { app: 'x' } },
      spec: { size: 'small' },
    });
    const serviceNs = `${a.providerNamespace}-${ns}`;
    const up = await eventually(async () => {
      const o = await cpWidgets.get('w1', { namespace: serviceNs });
      return o;
    }, 30_000);
    assert.equal(up.metadata.annotations?.[boundAnnotation], 'true');
    assert.equal(up.metadata.labels?.app, 'x');
    assert.deepEqual(up.spec, { size: 'small' });
    const down = await aWidgets.get('w1', { namespace: ns });
    assert.ok(down.metadata.finalizers?.includes(syncerFinalizer));

    await aWidgets.patch('w1', { spec: { size: 'large', tier: 'gold' } }, 'merge', { namespace: ns });
    await eventually(async () => {
      const o = await cpWidgets.get('w1', { namespace: serviceNs });
      assert.deepEqual(o.spec, { size: 'large', tier: 'gold' });
    });

    await cpWidgets.patch('w1', { status: { phase: 'Running' } }, 'merge', {
      namespace: serviceNs,
      subresource: 'status',
    });
    await eventually(async () => {
      const o = await aWidgets.get('w1', { namespace: ns });
      assert.deepEqual(o.status, { phase: 'Running' });
    });

    await aWidgets.delete('w1', { namespace: ns });
    await eventually(async () => {
      assert.equal(await cpWidgets.tryGet('w1', { namespace: serviceNs }), undefined);
      assert.equal(await aWidgets.tryGet('w1', { namespace: ns }), undefined);
    });
  });

  /** A consumer namespace with one synced widget, so that its service namespace exists. */
  async function syncedNamespace(prefix: string): Promise<{ ns: string; serviceNs: string }> {
    const ns = `${prefix}-${suffix()}`;
    await applyJson(appA, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await aWidgets.create({
      apiVersion: 'konnector.test/v1',
      kind: 'Widget',
      metadata: { name: 'anchor', namespace: ns },
      spec: { size: 's' },
    });
    const serviceNs = `${a.providerNamespace}-${ns}`;
    await eventually(() => cpWidgets.get('anchor', { namespace: serviceNs }), 30_000);
    return { ns, serviceNs };
  }

  it('adopts an object created on the provider', async () => {
    const { ns, serviceNs } = await syncedNamespace('adopt');
    await cpWidgets.create({
      apiVersion: 'konnector.test/v1',
      kind: 'Widget',
      metadata: { name: 'provided', namespace: serviceNs },
      spec: { size: 'xl' },
    });
    const down = await eventually(() => aWidgets.get('provided', { namespace: ns }));
    assert.equal(down.metadata.annotations?.[boundAnnotation], 'true');
    assert.deepEqual(down.spec, { size: 'xl' });
    await eventually(async () => {
      const up = await cpWidgets.get('provided', { namespace: serviceNs });
      assert.equal(up.metadata.annotations?.[boundAnnotation], 'true');
    });
    // From now on it is an ordinary bound object: deleting it in the app cluster deletes it upstream.
    await aWidgets.delete('provided', { namespace: ns });
    await eventually(async () =>
      assert.equal(await cpWidgets.tryGet('provided', { namespace: serviceNs }), undefined),
    );
    const all = await cpWidgets.list({ namespace: serviceNs });
    assert.deepEqual(
      all.items.map((o) => o.metadata.name),
      ['anchor'],
    );
  });

  it('recreates an upstream object deleted by hand', async () => {
    const { ns, serviceNs } = await syncedNamespace('recreate');
    const before = await cpWidgets.get('anchor', { namespace: serviceNs });
    await cpWidgets.delete('anchor', { namespace: serviceNs });
    await eventually(async () => {
      const again = await cpWidgets.get('anchor', { namespace: serviceNs });
      assert.notEqual(again.metadata.uid, before.metadata.uid);
      assert.deepEqual(again.spec, { size: 's' });
    });
    assert.ok(await aWidgets.get('anchor', { namespace: ns }));
  });

  it('reverts spec drift made on the control plane', async () => {
    const { serviceNs } = await syncedNamespace('drift');
    await cpWidgets.patch('anchor', { spec: { size: 'hacked', tier: 'extra' } }, 'merge', {
      namespace: serviceNs,
    });
    await eventually(async () => {
      const up = await cpWidgets.get('anchor', { namespace: serviceNs });
      assert.deepEqual(up.spec, { size: 's' });
    });
  });

  it('claimed Secret owned by the provider: provider copy wins, provider deletion propagates', async () => {
    const { ns, serviceNs } = await syncedNamespace('claimprov');
    const secret = (value: string, namespace: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'provider-secret', namespace },
      type: 'Opaque',
      data: { password: Buffer.from(value).toString('base64') },
    });
    const value = (o: KubeObject) =>
      Buffer.from((o.data as Record<string, string>).password ?? '', 'base64').toString();
    await cpSecrets.create(secret('one', serviceNs));
    await eventually(async () => {
      const d = await aSecrets.get('provider-secret', { namespace: ns });
      assert.equal(value(d), 'one');
      assert.equal(d.metadata.annotations?.['klutch.anynines.com/resource-owner'], 'Provider');
    });
    // A consumer edit is overwritten.
    await aSecrets.patch(
      'provider-secret',
      { data: { password: Buffer.from('mine').toString('base64') } },
      'merge',
      { namespace: ns },
    );
    await eventually(async () =>
      assert.equal(value(await aSecrets.get('provider-secret', { namespace: ns })), 'one'),
    );
    // A consumer deletion is undone.
    await aSecrets.delete('provider-secret', { namespace: ns });
    await eventually(async () =>
      assert.equal(value(await aSecrets.get('provider-secret', { namespace: ns })), 'one'),
    );
    // A provider update propagates.
    await cpSecrets.patch(
      'provider-secret',
      { data: { password: Buffer.from('two').toString('base64') } },
      'merge',
      { namespace: serviceNs },
    );
    await eventually(async () =>
      assert.equal(value(await aSecrets.get('provider-secret', { namespace: ns })), 'two'),
    );
    // A provider deletion propagates.
    await cpSecrets.delete('provider-secret', { namespace: serviceNs });
    await eventually(async () =>
      assert.equal(await aSecrets.tryGet('provider-secret', { namespace: ns }), undefined),
    );
  });

  it('claimed Secret owned by the consumer: consumer copy wins, consumer deletion propagates', async () => {
    const { ns, serviceNs } = await syncedNamespace('claimcons');
    const value = (o: KubeObject) =>
      Buffer.from((o.data as Record<string, string>).token ?? '', 'base64').toString();
    await aSecrets.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'consumer-secret', namespace: ns },
      type: 'Opaque',
      data: { token: Buffer.from('c1').toString('base64') },
    });
    await eventually(async () => {
      const u = await cpSecrets.get('consumer-secret', { namespace: serviceNs });
      assert.equal(value(u), 'c1');
      assert.equal(u.metadata.annotations?.['klutch.anynines.com/resource-owner'], 'Consumer');
    });
    await cpSecrets.patch(
      'consumer-secret',
      { data: { token: Buffer.from('evil').toString('base64') } },
      'merge',
      { namespace: serviceNs },
    );
    await eventually(async () =>
      assert.equal(value(await cpSecrets.get('consumer-secret', { namespace: serviceNs })), 'c1'),
    );
    await cpSecrets.delete('consumer-secret', { namespace: serviceNs });
    await eventually(async () =>
      assert.equal(value(await cpSecrets.get('consumer-secret', { namespace: serviceNs })), 'c1'),
    );
    await aSecrets.patch(
      'consumer-secret',
      { data: { token: Buffer.from('c2').toString('base64') } },
      'merge',
      { namespace: ns },
    );
    await eventually(async () =>
      assert.equal(value(await cpSecrets.get('consumer-secret', { namespace: serviceNs })), 'c2'),
    );
    await aSecrets.delete('consumer-secret', { namespace: ns });
    await eventually(async () =>
      assert.equal(await cpSecrets.tryGet('consumer-secret', { namespace: serviceNs }), undefined),
    );
    // Secrets outside the claim's names stay where they are.
    await aSecrets.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'unclaimed', namespace: ns },
      data: {},
    });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await cpSecrets.tryGet('unclaimed', { namespace: serviceNs }), undefined);
  });

  it('deleting an app namespace cleans up its service namespace', async () => {
    const { ns, serviceNs } = await syncedNamespace('nsdel');
    const sns = new ResourceClient(cpAdmin, {
      group: 'klutch.anynines.com',
      version: 'v1alpha1',
      resource: 'apiservicenamespaces',
      namespaced: true,
    });
    assert.ok(await sns.get(ns, { namespace: a.providerNamespace }));
    const r = await appA.kubectl(['delete', 'namespace', ns, '--wait=false']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => {
      assert.equal(await sns.tryGet(ns, { namespace: a.providerNamespace }), undefined);
      const n = await cpNamespaces.tryGet(serviceNs);
      assert.ok(n === undefined || n.metadata.deletionTimestamp, 'service namespace still there');
    }, 60_000);
  });

  it('leaves a CustomResourceDefinition it does not own alone and says so', async () => {
    // app-b already has its own gadgets CRD, made by someone else.
    const foreign = { ...(testCrd('gadgets', 'Gadget', 'Cluster', 'foreignField') as { metadata: object }) };
    await applyJson(appB, foreign);
    const before = await appB.kubectl(['get', 'crd', 'gadgets.konnector.test', '-o', 'json']);
    await bindAppCluster(backend, appB, 'user-b#bbbbbb', ['gadgets']);
    const cond = await eventually(async () => {
      const r = await appB.kubectl([
        'get',
        'apiservicebinding',
        '-n',
        'klutch-bind',
        'gadgets.konnector.test',
        '-o',
        'json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const binding = JSON.parse(r.stdout) as {
        status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
      };
      const c = binding.status?.conditions?.find((x) => x.type === 'Connected');
      assert.equal(c?.reason, 'ForeignCustomResourceDefinition', JSON.stringify(binding.status));
      return c;
    }, 60_000);
    assert.equal(cond.status, 'False');
    assert.match(cond.message ?? '', /gadgets\.konnector\.test is not owned by klutch\.anynines\.com/);
    const afterCrd = await appB.kubectl(['get', 'crd', 'gadgets.konnector.test', '-o', 'json']);
    const spec = (o: string) => JSON.parse(o) as { spec: unknown; metadata: { ownerReferences?: unknown } };
    assert.deepEqual(spec(afterCrd.stdout).spec, spec(before.stdout).spec);
    assert.equal(spec(afterCrd.stdout).metadata.ownerReferences, undefined);
    const events = await appB.kubectl([
      'get',
      'events',
      '-n',
      'klutch-bind',
      '--field-selector',
      'reason=ForeignCustomResourceDefinition',
      '-o',
      'name',
    ]);
    assert.notEqual(events.stdout.trim(), '');
  });

  it('reports a missing or invalid kubeconfig Secret', async () => {
    const conditionOf = async (name: string) => {
      const r = await appA.kubectl(['get', 'apiservicebinding', '-n', 'bad-bindings', name, '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const binding = JSON.parse(r.stdout) as {
        status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
      };
      return binding.status?.conditions ?? [];
    };
    await applyJson(appA, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bad-bindings' } });
    const binding = (name: string, secret: string) => ({
      apiVersion: 'klutch.anynines.com/v1alpha1',
      kind: 'APIServiceBinding',
      metadata: { name, namespace: 'bad-bindings' },
      spec: { kubeconfigSecretRef: { name: secret, namespace: 'bad-bindings', key: 'kubeconfig' } },
    });
    await applyJson(appA, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'garbage', namespace: 'bad-bindings' },
      stringData: { kubeconfig: 'not-a-valid-kubeconfig' },
    });
    const parsed = parse(a.kubeconfig) as { contexts: Array<{ context: { namespace?: string } }> };
    for (const c of parsed.contexts) delete c.context.namespace;
    const noNs = stringify(parsed);
    await applyJson(appA, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'no-namespace', namespace: 'bad-bindings' },
      stringData: { kubeconfig: noNs },
    });
    await applyJson(appA, binding('missing.konnector.test', 'does-not-exist'));
    await applyJson(appA, binding('garbage.konnector.test', 'garbage'));
    await applyJson(appA, binding('nonamespace.konnector.test', 'no-namespace'));
    await eventually(async () => {
      const missing = (await conditionOf('missing.konnector.test')).find((c) => c.type === 'SecretValid');
      assert.equal(missing?.reason, 'KubeconfigSecretNotFound');
      assert.match(missing?.message ?? '', /bad-bindings\/does-not-exist not found/);
      const garbage = (await conditionOf('garbage.konnector.test')).find((c) => c.type === 'SecretValid');
      assert.equal(garbage?.reason, 'KubeconfigSecretInvalid');
      const noNamespace = (await conditionOf('nonamespace.konnector.test')).find(
        (c) => c.type === 'SecretValid',
      );
      assert.equal(noNamespace?.reason, 'KubeconfigSecretInvalid');
      assert.match(noNamespace?.message ?? '', /has no namespace set/);
      const ready = (await conditionOf('garbage.konnector.test')).find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'False');
    }, 30_000);
    // Fixing the secret heals the binding's SecretValid condition.
    await applyJson(appA, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'does-not-exist', namespace: 'bad-bindings' },
      stringData: { kubeconfig: a.kubeconfig },
    });
    await eventually(async () => {
      const c = (await conditionOf('missing.konnector.test')).find((x) => x.type === 'SecretValid');
      assert.equal(c?.status, 'True');
    });
    const cleanup = await appA.kubectl(['delete', 'apiservicebindings', '--all', '-n', 'bad-bindings']);
    assert.equal(cleanup.code, 0, cleanup.stderr);
  });

  it('reports InformerSyncTimeout when the provider does not let it list', async () => {
    // a's credentials pointed at b's provider namespace: every list is forbidden.
    const parsed = parse(a.kubeconfig) as { contexts: Array<{ context: { namespace?: string } }> };
    for (const c of parsed.contexts) c.context.namespace = b?.providerNamespace ?? '';
    const wrongNs = stringify(parsed);
    await applyJson(appA, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bad-informers' } });
    await applyJson(appA, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'wrong-ns', namespace: 'bad-informers' },
      stringData: { kubeconfig: wrongNs },
    });
    await applyJson(appA, {
      apiVersion: 'klutch.anynines.com/v1alpha1',
      kind: 'APIServiceBinding',
      metadata: { name: 'timeout.konnector.test', namespace: 'bad-informers' },
      spec: { kubeconfigSecretRef: { name: 'wrong-ns', namespace: 'bad-informers', key: 'kubeconfig' } },
    });
    await eventually(async () => {
      const r = await appA.kubectl([
        'get',
        'apiservicebinding',
        '-n',
        'bad-informers',
        'timeout.konnector.test',
        '-o',
        'json',
      ]);
      const status = (
        JSON.parse(r.stdout) as {
          status?: {
            conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
          };
        }
      ).status;
      const c = status?.conditions?.find((x) => x.type === 'InformersSynced');
      assert.equal(c?.reason, 'InformerSyncTimeout', JSON.stringify(status));
      assert.match(c?.message ?? '', /did not sync within/);
    }, 30_000);
    const cleanup = await appA.kubectl(['delete', 'apiservicebindings', '--all', '-n', 'bad-informers']);
    assert.equal(cleanup.code, 0, cleanup.stderr);
  });

  it("isolates tenants: one consumer cannot read or write the other consumer's objects", async () => {
    const { serviceNs } = await syncedNamespace('tenant');
    const bWidgets = new ResourceClient(b?.consumer ?? a.consumer, gvr('widgets'));
    const bSecrets = new ResourceClient(b?.consumer ?? a.consumer, {
      group: '',
      version: 'v1',
      resource: 'secrets',
      namespaced: true,
    });
    const bNamespaces = new ResourceClient(b?.consumer ?? a.consumer, {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      namespaced: false,
    });
    const bClusterBindings = new ResourceClient(b?.consumer ?? a.consumer, {
      group: 'klutch.anynines.com',
      version: 'v1alpha1',
      resource: 'clusterbindings',
      namespaced: true,
    });
    const forbidden = async (p: Promise<unknown>) => {
      await assert.rejects(p, (err: unknown) => (err as { status?: number }).status === 403);
    };
    await forbidden(bWidgets.get('anchor', { namespace: serviceNs }));
    await forbidden(bWidgets.list({ namespace: serviceNs }));
    await forbidden(
      bWidgets.patch('anchor', { spec: { size: 'stolen' } }, 'merge', { namespace: serviceNs }),
    );
    await forbidden(bWidgets.delete('anchor', { namespace: serviceNs }));
    await forbidden(bSecrets.list({ namespace: serviceNs }));
    await forbidden(bSecrets.list({ namespace: a.providerNamespace }));
    await forbidden(bSecrets.get('kubeconfig', { namespace: a.providerNamespace }));
    await forbidden(bNamespaces.get(a.providerNamespace));
    await forbidden(bNamespaces.get(serviceNs));
    await forbidden(bClusterBindings.get('cluster', { namespace: a.providerNamespace }));
    await forbidden(bWidgets.list());
    // And b's own view works.
    assert.ok(await bClusterBindings.get('cluster', { namespace: b?.providerNamespace ?? '' }));
  });

  it('heartbeats into the ClusterBinding', async () => {
    const cbs = new ResourceClient(cpAdmin, {
      group: 'klutch.anynines.com',
      version: 'v1alpha1',
      resource: 'clusterbindings',
      namespaced: true,
    });
    await eventually(async () => {
      const cb = await cbs.get('cluster', { namespace: a.providerNamespace });
      const status = cb.status as {
        lastHeartbeatTime?: string;
        heartbeatInterval?: string;
        konnectorVersion?: string;
        conditions?: Array<{ type: string; status: string }>;
      };
      assert.equal(status.heartbeatInterval, '10s');
      assert.ok(status.lastHeartbeatTime);
      assert.ok(Date.now() - Date.parse(status.lastHeartbeatTime) < 15_000);
      assert.ok(status.konnectorVersion);
      assert.equal(
        status.conditions?.find((c) => c.type === 'Healthy')?.status,
        'True',
        JSON.stringify(status),
      );
    }, 30_000);
    const binding = await appA.kubectl([
      'get',
      'apiservicebinding',
      '-n',
      'klutch-bind',
      'widgets.konnector.test',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Heartbeating")].status}',
    ]);
    assert.equal(binding.stdout, 'True');
  });

  it('reports Connected and ConsumerInSync on the export', async () => {
    const exps = new ResourceClient(cpAdmin, {
      group: 'klutch.anynines.com',
      version: 'v1alpha1',
      resource: 'apiserviceexports',
      namespaced: true,
    });
    await eventually(async () => {
      const e = await exps.get('widgets.konnector.test', { namespace: a.providerNamespace });
      const conds = (e.status as { conditions?: Array<{ type: string; status: string }> }).conditions ?? [];
      assert.equal(conds.find((c) => c.type === 'Connected')?.status, 'True', JSON.stringify(conds));
      assert.equal(conds.find((c) => c.type === 'ConsumerInSync')?.status, 'True', JSON.stringify(conds));
      assert.equal(conds.find((c) => c.type === 'Established')?.status, 'True', JSON.stringify(conds));
    });
  });

  it('follows schema changes of the export: the app CRD is updated and a new field syncs up', async () => {
    const before = await syncedNamespace('schema');
    const patch = await cp.kubectl([
      'patch',
      'crd',
      'widgets.konnector.test',
      '--type=json',
      '-p',
      JSON.stringify([
        {
          op: 'add',
          path: '/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/color',
          value: { type: 'string' },
        },
      ]),
    ]);
    assert.equal(patch.code, 0, patch.stderr);
    await eventually(async () => {
      const r = await appA.kubectl([
        'get',
        'crd',
        'widgets.konnector.test',
        '-o',
        'jsonpath={.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.color.type}',
      ]);
      assert.equal(r.stdout, 'string');
    }, 60_000);
    // The app cluster's API server itself may prune the field for a moment after the CRD update;
    // write until it keeps it, then the konnector must carry it up, for a new object and for one
    // that existed before the change.
    const { ns, serviceNs } = await syncedNamespace('schema');
    await aWidgets.create({
      apiVersion: 'konnector.test/v1',
      kind: 'Widget',
      metadata: { name: 'after-schema-change', namespace: ns },
      spec: { size: 'large', color: 'blue' },
    });
    const setColor = async (name: string, namespace: string) =>
      eventually(async () => {
        const down = await aWidgets.patch(name, { spec: { color: 'blue' } }, 'merge', { namespace });
        assert.equal(down.spec?.['color' as never], 'blue');
      });
    await setColor('after-schema-change', ns);
    await setColor('anchor', before.ns);
    await eventually(async () => {
      const created = await cpWidgets.get('after-schema-change', { namespace: serviceNs });
      assert.deepEqual(created.spec, { size: 'large', color: 'blue' });
      const updated = await cpWidgets.get('anchor', { namespace: before.serviceNs });
      assert.deepEqual(updated.spec, { size: 's', color: 'blue' });
    }, 30_000);
  });

  it('rotated provider credentials reach the app cluster and the konnector reconnects with them', async () => {
    const secretName = `kubeconfig-${a.providerNamespace}`;
    const before = await aSecrets.get(secretName, { namespace: 'klutch-bind' });
    await rotateConsumerCredentials({
      kubeconfigPath: cp.kubeconfigPath,
      providerNamespace: a.providerNamespace,
    });
    await eventually(async () => {
      const now = await aSecrets.get(secretName, { namespace: 'klutch-bind' });
      assert.notDeepEqual(now.data, before.data);
    }, 60_000);
    const { serviceNs } = await syncedNamespace('rotated');
    assert.ok(await cpWidgets.get('anchor', { namespace: serviceNs }));
    const ready = await appA.kubectl([
      'get',
      'apiservicebinding',
      '-n',
      'klutch-bind',
      'widgets.konnector.test',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ]);
    assert.equal(ready.stdout, 'True');
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    const url = konnectors[0]?.healthUrl ?? '';
    assert.ok(url);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /controller_reconcile_total\{controller="apiservicebindings"/);
    assert.match(metrics, /leader_election_is_leader\{lease="klutch-bind\/klutch-bind"\} 1/);
  });
});
