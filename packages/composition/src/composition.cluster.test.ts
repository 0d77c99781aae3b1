import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CrossplaneCondition } from '@klutch/api';
import { silentLogger } from '@klutch/kube';
import type { Claim, ManagedResource } from './composedObjects.js';
import { managedResourceName } from './managedResourceName.js';
import { startComposition } from './startComposition.js';
import type { CompositionHandle } from './startComposition.js';
import { startControlPlane } from './testdata/controlPlane.js';
import type { ControlPlane } from './testdata/controlPlane.js';
import { eventually } from '@klutch/testenv';

const finalizer = 'composition.klutch.anynines.com/finalizer';
/** What the provider puts on managed resources; the tests play the provider. */
const providerFinalizer = 'finalizer.managedresource.crossplane.io';
const connectionNamespace = 'klutch-system';

const suffix = () => randomBytes(3).toString('hex');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const decode = (data: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

function conditionOf(obj: { status?: { conditions?: CrossplaneCondition[] } } | undefined, type: string) {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

function mrCondition(
  type: string,
  status: 'True' | 'False',
  reason: string,
  message?: string,
): CrossplaneCondition {
  return {
    type,
    status,
    reason,
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    ...(message ? { message } : {}),
  };
}

describe('composition on a real API server', { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let composition: CompositionHandle;
  const stop = new AbortController();
  const ns = `team-${suffix()}`;

  before(async () => {
    cp = await startControlPlane('composition');
    await cp.namespaces.create({ metadata: { name: ns } });
    composition = await startComposition({
      client: cp.client,
      logger: silentLogger(),
      signal: stop.signal,
      workers: 2,
      unofferedServices: { mongodb: 'This backend does not offer MongoDB: it needs a real a9s backend.' },
    });
    await eventually(() => assert.ok(composition.ready()), 60_000);
  });

  after(async () => {
    stop.abort();
    await composition?.done;
    await cp?.stop();
  });

  const instances = () => cp.claims('postgresqlinstances');
  const serviceInstances = () => cp.managed('serviceinstances');

  async function createInstance(name: string, spec: Record<string, unknown> = {}): Promise<Claim> {
    return instances().create({
      apiVersion: 'anynines.com/v1',
      kind: 'PostgresqlInstance',
      metadata: { name, namespace: ns },
      spec: { service: 'a9s-postgresql15', plan: 'postgresql-single-small', ...spec },
    });
  }

  async function setManagedStatus(
    plural: string,
    name: string,
    status: Record<string, unknown>,
  ): Promise<void> {
    await cp.managed(plural).patch(name, { status }, 'merge', { subresource: 'status' });
  }

  async function warningEvents(name: string): Promise<Array<{ reason: string; message: string }>> {
    const list = await cp.events.list({
      namespace: ns,
      fieldSelector: `involvedObject.name=${name},type=Warning`,
    });
    return list.items.map((e) => ({ reason: e.reason, message: e.message }));
  }

  it('composes a ServiceInstance with the contract name, labels, forProvider and ProviderConfig', async () => {
    const claim = await createInstance('orders', {
      parameters: { maxConnections: 120, logMinMessages: 'WARNING' },
    });
    const mrName = `postgresqlinstance-${ns}-orders`;
    const mr = await eventually(() => serviceInstances().get(mrName), 20_000);
    assert.deepEqual(mr.metadata.labels, {
      'crossplane.io/claim-name': 'orders',
      'crossplane.io/claim-namespace': ns,
      'klutch.io/instance-type': 'postgresql',
    });
    const spec = mr.spec as { forProvider: Record<string, unknown>; providerConfigRef: { name: string } };
    assert.equal(spec.providerConfigRef.name, 'postgresql-service-broker');
    assert.equal(spec.forProvider.serviceName, 'a9s-postgresql15');
    assert.equal(spec.forProvider.planName, 'postgresql-single-small');
    assert.equal(spec.forProvider.acceptsIncomplete, true);
    assert.deepEqual(spec.forProvider.parameters, { max_connections: 120, pg_log_min_messages: 'WARNING' });
    assert.deepEqual(spec.forProvider.context, { namespace: ns, instance_name: 'orders' });
    const managedFields = mr.metadata.managedFields as Array<{ manager: string; operation: string }>;
    assert.ok(managedFields.some((f) => f.manager === 'klutch-composition' && f.operation === 'Apply'));

    const composed = await eventually(async () => {
      const c = await instances().get('orders', { namespace: ns });
      assert.ok(c.metadata.finalizers?.includes(finalizer));
      assert.equal(conditionOf(c, 'Ready')?.reason, 'Creating');
      assert.equal(conditionOf(c, 'Synced')?.status, 'True');
      return c;
    });
    assert.equal(composed.status?.observedGeneration, claim.metadata.generation);
  });

  it('re-applies plan and parameter changes of the claim, and reverts drift on the managed resource', async () => {
    await createInstance('billing', { parameters: { maxConnections: 50, workMem: '4MB' } });
    const mrName = `postgresqlinstance-${ns}-billing`;
    await eventually(() => serviceInstances().get(mrName), 20_000);

    // A JSON merge patch with null removes workMem from the claim.
    await instances().patch(
      'billing',
      { spec: { plan: 'postgresql-single-big', parameters: { maxConnections: 80, workMem: null } } },
      'merge',
      { namespace: ns },
    );
    await eventually(async () => {
      const mr = await serviceInstances().get(mrName);
      const fp = (mr.spec as { forProvider: Record<string, unknown> }).forProvider;
      assert.equal(fp.planName, 'postgresql-single-big');
      assert.deepEqual(fp.parameters, { max_connections: 80 });
    }, 20_000);

    // Someone edits the managed resource directly: the claim wins.
    await serviceInstances().patch(
      mrName,
      { spec: { forProvider: { planName: 'postgresql-single-nano', parameters: { max_connections: 1 } } } },
      'merge',
      { fieldManager: 'someone-else' },
    );
    await eventually(async () => {
      const mr = await serviceInstances().get(mrName);
      const fp = (mr.spec as { forProvider: Record<string, unknown> }).forProvider;
      assert.equal(fp.planName, 'postgresql-single-big');
      assert.deepEqual(fp.parameters, { max_connections: 80 });
    }, 20_000);
  });

  it('copies the provider status to the claim: state, plan, conditions with the broker message, and a Warning Event', async () => {
    await createInstance('reports');
    const mrName = `postgresqlinstance-${ns}-reports`;
    const mr = await eventually(() => serviceInstances().get(mrName), 20_000);
    const brokerMessage = `The plan "postgresql-single-small" is not available for service a9s-postgresql15 (${suffix()})`;
    await setManagedStatus('serviceinstances', mrName, {
      conditions: [
        mrCondition('Ready', 'False', 'Creating'),
        mrCondition('Synced', 'False', 'ReconcileError', brokerMessage),
      ],
    });
    await eventually(async () => {
      const c = await instances().get('reports', { namespace: ns });
      assert.equal(conditionOf(c, 'Synced')?.status, 'False');
      assert.equal(conditionOf(c, 'Synced')?.reason, 'ReconcileError');
      assert.equal(conditionOf(c, 'Synced')?.message, brokerMessage);
      assert.equal(conditionOf(c, 'Ready')?.status, 'False');
      assert.equal(conditionOf(c, 'Ready')?.message, brokerMessage);
    }, 20_000);
    await eventually(async () => {
      const events = await warningEvents('reports');
      assert.deepEqual(
        events.filter((e) => e.message === brokerMessage),
        [{ reason: 'ReconcileError', message: brokerMessage }],
      );
    }, 20_000);

    const t = '2025-03-01T10:00:00Z';
    await setManagedStatus('serviceinstances', mrName, {
      observedGeneration: mr.metadata.generation,
      conditions: [
        mrCondition('Ready', 'True', 'Available'),
        mrCondition('Synced', 'True', 'ReconcileSuccess'),
      ],
      atProvider: { state: 'available', provisionedAt: t, updatedAt: t, planId: 'plan-1', instanceId: 'i-1' },
    });
    const ready = await eventually(async () => {
      const c = await instances().get('reports', { namespace: ns });
      assert.equal(conditionOf(c, 'Ready')?.status, 'True');
      assert.equal(conditionOf(c, 'Synced')?.status, 'True');
      return c;
    }, 20_000);
    assert.equal(ready.status?.state, 'available');
    assert.equal(ready.status?.plan, 'postgresql-single-small');
    assert.equal(ready.status?.service, 'a9s-postgresql15');
    assert.equal(ready.status?.provisionedAt, t);
    assert.equal(conditionOf(ready, 'Ready')?.reason, 'Available');
    // status.managed as the Klutch v1.5 compositions write it (scripts and the ManagedResource column read it).
    const managed = (ready.status as { managed?: Record<string, unknown> } | undefined)?.managed;
    assert.equal(managed?.state, 'available');
    assert.equal(managed?.provisionedAt, t);
    assert.equal(managed?.updatedAt, t);
    assert.equal(managed?.planId, undefined, 'only the fields the Go compositions copy');
    assert.deepEqual(
      (managed?.conditions as Array<{ type: string }> | undefined)?.map((c) => c.type).sort(),
      ['Ready', 'Synced'],
    );
  });

  it('publishes the binding credentials as a servicebinding.io Secret and keeps it in sync when they rotate', async () => {
    await createInstance('shop');
    const bindings = cp.claims('servicebindings');
    const binding = await bindings.create({
      apiVersion: 'anynines.com/v1',
      kind: 'ServiceBinding',
      metadata: { name: 'shop-app', namespace: ns },
      spec: { instanceRef: 'shop', serviceInstanceType: 'postgresql' },
    });
    const mrName = `servicebinding-${ns}-shop-app`;
    const mr = await eventually(() => cp.managed('servicebindings').get(mrName), 20_000);
    const spec = mr.spec as {
      forProvider: Record<string, unknown>;
      providerConfigRef: { name: string };
      writeConnectionSecretToRef: { namespace: string; name: string };
    };
    assert.deepEqual(spec.writeConnectionSecretToRef, { namespace: connectionNamespace, name: mrName });
    assert.equal(spec.forProvider.instanceName, 'shop');
    assert.equal(spec.providerConfigRef.name, 'postgresql-service-broker');
    assert.equal(mr.metadata.labels?.['klutch.io/instance-type'], 'postgresql');

    await eventually(async () => {
      const c = await bindings.get('shop-app', { namespace: ns });
      assert.match(conditionOf(c, 'Ready')?.message ?? '', /Waiting for the provider/);
    }, 20_000);

    // The provider's part: a flattened connection Secret, then Ready.
    const credentials = {
      host: '127.0.0.1',
      port: '5432',
      username: 'u_1',
      password: 'first-password',
      database: 'shop_db',
      uri: 'postgres://u_1:first-password@127.0.0.1:5432/shop_db',
      jdbcUrl: 'jdbc:postgresql://127.0.0.1:5432/shop_db',
      'tls.ca': 'PEM',
    };
    await cp.secrets.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: mrName, namespace: connectionNamespace },
      type: 'connection.crossplane.io/v1alpha1',
      data: Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, b64(v)])),
    });
    await setManagedStatus('servicebindings', mrName, {
      conditions: [
        mrCondition('Ready', 'True', 'Available'),
        mrCondition('Synced', 'True', 'ReconcileSuccess'),
      ],
      atProvider: { state: 'Created' },
    });

    const secret = await eventually(() => cp.secrets.get('shop-app-creds', { namespace: ns }), 20_000);
    assert.equal(secret.type, 'servicebinding.io/postgresql');
    assert.deepEqual(decode(secret.data), { ...credentials, type: 'postgresql', provider: 'klutch' });
    assert.deepEqual(
      secret.metadata.ownerReferences?.map((r) => ({
        kind: r.kind,
        name: r.name,
        uid: r.uid,
        controller: r.controller,
      })),
      [{ kind: 'ServiceBinding', name: 'shop-app', uid: binding.metadata.uid, controller: true }],
    );

    const ready = await eventually(async () => {
      const c = await bindings.get('shop-app', { namespace: ns });
      assert.equal(conditionOf(c, 'Ready')?.status, 'True');
      return c;
    }, 20_000);
    assert.deepEqual(ready.status?.binding, { name: 'shop-app-creds' });
    assert.equal(ready.status?.state, 'Created');
    assert.doesNotMatch(
      JSON.stringify(ready.status),
      /first-password/,
      'credentials never go into the status',
    );

    // Rotation: the provider replaces the password and drops a key.
    await cp.secrets.patch(mrName, { data: { password: b64('second-password'), 'tls.ca': null } }, 'merge', {
      namespace: connectionNamespace,
    });
    await eventually(async () => {
      const s = decode((await cp.secrets.get('shop-app-creds', { namespace: ns })).data);
      assert.equal(s.password, 'second-password');
      assert.equal('tls.ca' in s, false);
      assert.equal(s.username, 'u_1');
    }, 20_000);

    // An edited credentials Secret is repaired.
    await cp.secrets.patch('shop-app-creds', { data: { password: b64('tampered') } }, 'merge', {
      namespace: ns,
      fieldManager: 'someone-else',
    });
    await eventually(async () => {
      const s = decode((await cp.secrets.get('shop-app-creds', { namespace: ns })).data);
      assert.equal(s.password, 'second-password');
    }, 20_000);

    // A deleted credentials Secret comes back.
    await cp.secrets.delete('shop-app-creds', { namespace: ns });
    await eventually(async () => {
      const s = decode((await cp.secrets.get('shop-app-creds', { namespace: ns })).data);
      assert.equal(s.password, 'second-password');
    }, 20_000);
  });

  it('deleting a binding deletes its managed resource and then its credentials Secret', async () => {
    const mrName = `servicebinding-${ns}-shop-app`;
    assert.ok(await cp.secrets.tryGet('shop-app-creds', { namespace: ns }));
    await cp.claims('servicebindings').delete('shop-app', { namespace: ns });
    await eventually(async () => {
      assert.equal(await cp.managed('servicebindings').tryGet(mrName), undefined);
      assert.equal(await cp.claims('servicebindings').tryGet('shop-app', { namespace: ns }), undefined);
      assert.equal(await cp.secrets.tryGet('shop-app-creds', { namespace: ns }), undefined);
    }, 20_000);
  });

  it('does not overwrite a Secret of the credentials name that belongs to someone else', async () => {
    await createInstance('ledger');
    await cp.secrets.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ledger-app-creds', namespace: ns },
      data: { mine: b64('keep me') },
    });
    await cp.claims('servicebindings').create({
      apiVersion: 'anynines.com/v1',
      kind: 'ServiceBinding',
      metadata: { name: 'ledger-app', namespace: ns },
      spec: { instanceRef: 'ledger', serviceInstanceType: 'postgresql' },
    });
    const mrName = `servicebinding-${ns}-ledger-app`;
    await eventually(() => cp.managed('servicebindings').get(mrName), 20_000);
    await cp.secrets.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: mrName, namespace: connectionNamespace },
      data: { password: b64('x') },
    });
    await eventually(async () => {
      const c = await cp.claims('servicebindings').get('ledger-app', { namespace: ns });
      assert.equal(conditionOf(c, 'Synced')?.reason, 'CredentialsSecretConflict');
      assert.match(conditionOf(c, 'Synced')?.message ?? '', /Secret "ledger-app-creds" already exists/);
    }, 20_000);
    const untouched = await cp.secrets.get('ledger-app-creds', { namespace: ns });
    assert.deepEqual(decode(untouched.data), { mine: 'keep me' });
  });

  it('waits for the instance of a Backup and the Backup of a Restore, then composes them', async () => {
    const backups = cp.claims('backups');
    const restores = cp.claims('restores');
    await backups.create({
      apiVersion: 'anynines.com/v1',
      kind: 'Backup',
      metadata: { name: 'nightly', namespace: ns },
      spec: { instanceRef: 'archive', serviceInstanceType: 'postgresql' },
    });
    await restores.create({
      apiVersion: 'anynines.com/v1',
      kind: 'Restore',
      metadata: { name: 'undo', namespace: ns },
      spec: { backupRef: 'weekly', serviceInstanceType: 'postgresql' },
    });
    await eventually(async () => {
      const b = await backups.get('nightly', { namespace: ns });
      assert.equal(conditionOf(b, 'Synced')?.status, 'False');
      assert.equal(conditionOf(b, 'Synced')?.reason, 'ReferenceNotFound');
      assert.match(
        conditionOf(b, 'Synced')?.message ?? '',
        new RegExp(`^PostgresqlInstance "archive" not found in namespace "${ns}"`),
      );
      const r = await restores.get('undo', { namespace: ns });
      assert.match(
        conditionOf(r, 'Synced')?.message ?? '',
        new RegExp(`^Backup "weekly" not found in namespace "${ns}"`),
      );
    }, 20_000);
    assert.equal(await cp.managed('backups').tryGet(`backup-${ns}-nightly`), undefined);
    assert.equal(await cp.managed('restores').tryGet(`restore-${ns}-undo`), undefined);
    await eventually(
      async () => assert.ok((await warningEvents('nightly')).some((e) => e.reason === 'ReferenceNotFound')),
      20_000,
    );

    // The instance appears: the Backup is composed (woken by the instance's events, not a timer).
    await createInstance('archive');
    const backupMr = await eventually(() => cp.managed('backups').get(`backup-${ns}-nightly`), 15_000);
    assert.deepEqual((backupMr.spec as { forProvider: unknown }).forProvider, { instanceName: 'archive' });
    assert.equal(
      (backupMr.spec as { providerConfigRef: { name: string } }).providerConfigRef.name,
      'postgresql-backup-manager',
    );

    await backups.create({
      apiVersion: 'anynines.com/v1',
      kind: 'Backup',
      metadata: { name: 'weekly', namespace: ns },
      spec: { instanceRef: 'archive', serviceInstanceType: 'postgresql' },
    });
    const restoreMr = await eventually(() => cp.managed('restores').get(`restore-${ns}-undo`), 15_000);
    assert.deepEqual((restoreMr.spec as { forProvider: unknown }).forProvider, { backupName: 'weekly' });
    assert.equal(
      (restoreMr.spec as { providerConfigRef: { name: string } }).providerConfigRef.name,
      'postgresql-backup-manager',
    );

    // Backup progress reaches the claim.
    const t = '2025-03-02T00:00:00Z';
    await setManagedStatus('backups', `backup-${ns}-nightly`, {
      conditions: [
        mrCondition('Ready', 'True', 'Available'),
        mrCondition('Synced', 'True', 'ReconcileSuccess'),
      ],
      atProvider: {
        id: 17,
        status: 'done',
        size: 2048,
        triggered_at: t,
        finished_at: t,
        downloadable: false,
        instanceId: 'i',
      },
    });
    await eventually(async () => {
      const b = await backups.get('nightly', { namespace: ns });
      assert.equal(conditionOf(b, 'Ready')?.status, 'True');
      assert.equal(conditionOf(b, 'Synced')?.status, 'True');
      assert.equal(b.status?.backupId, '17');
      assert.equal(b.status?.state, 'done');
      assert.equal(b.status?.size, 2048);
      assert.equal(b.status?.finishedAt, t);
    }, 20_000);
  });

  it('deletes the managed resource with the claim and keeps the claim until the resource is gone', async () => {
    await createInstance('legacy');
    const mrName = `postgresqlinstance-${ns}-legacy`;
    await eventually(() => serviceInstances().get(mrName), 20_000);
    // Like the provider: a finalizer that holds the resource until the backend is cleaned up.
    await serviceInstances().patch(mrName, { metadata: { finalizers: [providerFinalizer] } }, 'merge');
    await setManagedStatus('serviceinstances', mrName, {
      conditions: [mrCondition('Ready', 'False', 'Deleting', 'ServiceBinding "x" still uses the instance')],
    });

    await instances().delete('legacy', { namespace: ns });
    await eventually(async () => {
      const mr = await serviceInstances().get(mrName);
      assert.ok(mr.metadata.deletionTimestamp, 'managed resource is being deleted');
      const c = await instances().get('legacy', { namespace: ns });
      assert.ok(c.metadata.finalizers?.includes(finalizer));
      assert.equal(conditionOf(c, 'Ready')?.reason, 'Deleting');
      assert.match(conditionOf(c, 'Ready')?.message ?? '', /still uses the instance/);
    }, 20_000);

    // The provider finishes: the resource disappears, and with it the claim.
    await serviceInstances().patch(mrName, { metadata: { finalizers: null } }, 'merge');
    await eventually(async () => {
      assert.equal(await serviceInstances().tryGet(mrName), undefined);
      assert.equal(await instances().tryGet('legacy', { namespace: ns }), undefined);
    }, 20_000);
  });

  it('refuses to take over a managed resource that belongs to another claim', async () => {
    const mrName = `postgresqlinstance-${ns}-payments`;
    const foreign: ManagedResource = {
      apiVersion: 'dataservices.anynines.com/v1',
      kind: 'ServiceInstance',
      metadata: {
        name: mrName,
        labels: {
          'crossplane.io/claim-name': 'someone-else',
          'crossplane.io/claim-namespace': 'other-team',
          'klutch.io/instance-type': 'postgresql',
        },
      },
      spec: { forProvider: { serviceName: 'a9s-postgresql13', planName: 'postgresql-single-nano' } },
    };
    await serviceInstances().create(foreign);
    await createInstance('payments');
    await eventually(async () => {
      const c = await instances().get('payments', { namespace: ns });
      assert.equal(conditionOf(c, 'Synced')?.status, 'False');
      assert.equal(conditionOf(c, 'Synced')?.reason, 'ManagedResourceConflict');
      assert.match(
        conditionOf(c, 'Synced')?.message ?? '',
        /belongs to the claim "other-team\/someone-else"/,
      );
    }, 20_000);
    const mr = await serviceInstances().get(mrName);
    assert.equal(mr.metadata.labels?.['crossplane.io/claim-name'], 'someone-else');
    assert.equal(
      (mr.spec as { forProvider: { planName: string } }).forProvider.planName,
      'postgresql-single-nano',
    );

    // Deleting the refused claim leaves the other claim's resource alone.
    await instances().delete('payments', { namespace: ns });
    await eventually(
      async () => assert.equal(await instances().tryGet('payments', { namespace: ns }), undefined),
      20_000,
    );
    assert.ok(await serviceInstances().tryGet(mrName));
  });

  it('gives claims with long names a capped, hashed managed-resource name', async () => {
    const name = `a-rather-long-instance-name-${'x'.repeat(30)}`;
    await cp.claims('mariadbinstances').create({
      apiVersion: 'anynines.com/v1',
      kind: 'MariadbInstance',
      metadata: { name, namespace: ns },
      spec: { service: 'a9s-mariadb106', plan: 'mariadb-single-small', parameters: { binlogExpireDays: 3 } },
    });
    const mrName = managedResourceName('MariadbInstance', ns, name);
    assert.ok(mrName.length <= 63);
    const mr = await eventually(() => serviceInstances().get(mrName), 20_000);
    assert.equal(mr.metadata.labels?.['crossplane.io/claim-name'], name);
    assert.equal(mr.metadata.labels?.['klutch.io/instance-type'], 'mariadb');
    const spec = mr.spec as { forProvider: Record<string, unknown>; providerConfigRef: { name: string } };
    assert.deepEqual(spec.forProvider.parameters, { binlog_expire_days: 3 });
    assert.equal(spec.providerConfigRef.name, 'mariadb-service-broker');
  });

  it('keeps a claim whose name is too long for a label out of composition, with a clear condition', async () => {
    const name = `n${'o'.repeat(70)}`;
    await instances().create({
      apiVersion: 'anynines.com/v1',
      kind: 'PostgresqlInstance',
      metadata: { name, namespace: ns },
      spec: { service: 'a9s-postgresql15', plan: 'postgresql-single-small' },
    });
    await eventually(async () => {
      const c = await instances().get(name, { namespace: ns });
      assert.equal(conditionOf(c, 'Synced')?.reason, 'InvalidClaim');
      assert.match(conditionOf(c, 'Synced')?.message ?? '', /at most 63 characters/);
    }, 20_000);
    assert.equal(
      await serviceInstances().tryGet(managedResourceName('PostgresqlInstance', ns, name)),
      undefined,
    );
  });

  it('keeps a claim for a service the backend does not offer out of composition, with a condition that says so', async () => {
    const name = `mongo-${suffix()}`;
    await cp.claims('mongodbinstances').create({
      apiVersion: 'anynines.com/v1',
      kind: 'MongodbInstance',
      metadata: { name, namespace: ns },
      spec: { service: 'a9s-mongodb70', plan: 'mongodbsspl-single-small' },
    });
    await eventually(async () => {
      const c = await cp.claims('mongodbinstances').get(name, { namespace: ns });
      for (const type of ['Ready', 'Synced']) {
        assert.equal(conditionOf(c, type)?.reason, 'ServiceNotOffered');
        assert.equal(
          conditionOf(c, type)?.message,
          'This backend does not offer MongoDB: it needs a real a9s backend.',
        );
      }
    }, 20_000);
    assert.equal(
      await serviceInstances().tryGet(managedResourceName('MongodbInstance', ns, name)),
      undefined,
    );
    // The claim can still be deleted (nothing was composed).
    await cp.claims('mongodbinstances').delete(name, { namespace: ns });
    await eventually(async () => {
      assert.equal(await cp.claims('mongodbinstances').tryGet(name, { namespace: ns }), undefined);
    }, 20_000);
  });

  it('created the connection-secret namespace', async () => {
    assert.ok(await cp.namespaces.tryGet(connectionNamespace));
  });
});
