// The provider's happy paths against a real API server and the real sandbox broker (packages/broker)
// on the local PostgreSQL: provision, update, bind (and use the credentials), back up, restore,
// unbind and deprovision.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker, type RunningBroker } from '@klutch/broker';
import { OsbClient } from '@klutch/broker-clients';
import { createLogger, ResourceClient, type KubeObject } from '@klutch/kube';
import pg from 'pg';
import {
  backupScope,
  restoreScope,
  secretScope,
  serviceBindingScope,
  serviceInstanceScope,
} from './managedResources.js';
import { startProvider, type RunningProvider } from './provider.js';
import {
  backupMr,
  condition,
  providerConfigObjects,
  restoreMr,
  serviceBindingMr,
  serviceInstanceMr,
  startProviderCluster,
  waitFor,
  type ProviderCluster,
} from './testing/index.js';

type Obj = KubeObject & { status?: Record<string, unknown>; spec?: Record<string, unknown> };
type SecretObj = KubeObject & { data?: Record<string, string> };

const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

async function adminQuery<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function decode(secret: SecretObj): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

async function withDatabase<T>(uri: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

void describe('provider against the sandbox broker', () => {
  const suffix = randomBytes(4).toString('hex');
  const stateDb = `klutch_provider_test_${suffix}`;
  const auth = { username: 'sandbox', password: randomBytes(12).toString('hex') };
  let env: ProviderCluster;
  let broker: RunningBroker | undefined;
  let provider: RunningProvider | undefined;
  let backupDir: string | undefined;
  const stop = new AbortController();
  const instanceIds = new Set<string>();
  let instances: ResourceClient<Obj>;
  let bindings: ResourceClient<Obj>;
  let backups: ResourceClient<Obj>;
  let restores: ResourceClient<Obj>;
  let secrets: ResourceClient<SecretObj>;

  before(async () => {
    env = await startProviderCluster('provider-sandbox');
    backupDir = await mkdtemp(join(tmpdir(), 'klutch-provider-backups-'));
    broker = await startBroker({
      stateDatabaseUrl: `postgres://postgres@127.0.0.1:5432/${stateDb}`,
      postgresAdminUrl: adminUrl,
      backupDir,
      username: auth.username,
      password: auth.password,
      provisionDelayMs: 50,
      logger: createLogger({ name: 'sandbox-broker' }),
    });
    await env.apply(
      ...providerConfigObjects('postgresql-service-broker', broker.osbUrl, auth, {
        serviceType: 'servicebroker',
      }),
      ...providerConfigObjects('postgresql-backup-manager', broker.backupManagerUrl, auth),
    );
    instances = new ResourceClient<Obj>(env.client, serviceInstanceScope);
    bindings = new ResourceClient<Obj>(env.client, serviceBindingScope);
    backups = new ResourceClient<Obj>(env.client, backupScope);
    restores = new ResourceClient<Obj>(env.client, restoreScope);
    secrets = new ResourceClient<SecretObj>(env.client, secretScope);
    provider = await startProvider({
      kubeconfigPath: env.cluster.kubeconfigPath,
      logger: createLogger({ name: 'provider-test' }),
      signal: stop.signal,
      pollIntervalMs: 2_000,
      operationPollIntervalMs: 300,
      waitIntervalMs: 300,
      workers: 2,
      retry: { initialMs: 300, maxMs: 2_000 },
      catalogTtlMs: 0,
    });
  });

  after(async () => {
    stop.abort();
    await provider?.done;
    // Whatever a failed test left at the broker is deprovisioned, so no database outlives the run.
    if (broker) {
      const osb = new OsbClient({ url: broker.osbUrl, auth });
      try {
        const catalog = await osb.getCatalog();
        const service = catalog.services.find((s) => s.name === 'a9s-postgresql15');
        for (const id of instanceIds) {
          for (const plan of service?.plans ?? []) {
            await osb
              .deprovision(
                id,
                { serviceId: service?.id ?? '', planId: plan.id },
                { acceptsIncomplete: false },
              )
              .catch(() => undefined);
          }
        }
      } finally {
        await osb.close();
      }
      await broker.stop();
    }
    await adminQuery(`DROP DATABASE IF EXISTS ${stateDb} WITH (FORCE)`).catch(() => undefined);
    if (backupDir) await rm(backupDir, { recursive: true, force: true });
    await env?.stop();
  });

  const waitReady = (client: ResourceClient<Obj>, name: string, timeoutMs = 60_000) =>
    waitFor(
      `${name} Ready`,
      async () => {
        const o = await client.tryGet(name);
        return condition(o, 'Ready')?.status === 'True' && condition(o, 'Synced')?.status === 'True'
          ? o
          : undefined;
      },
      timeoutMs,
      200,
    );

  const gone = (client: ResourceClient<Obj>, name: string) =>
    waitFor(`${name} deleted`, async () => ((await client.tryGet(name)) ? undefined : true), 60_000, 200);

  void it('provisions, updates, binds, backs up, restores, unbinds and deprovisions', async () => {
    const ns = `team-${suffix}`;
    const inst = serviceInstanceMr({
      namespace: ns,
      claim: 'orders',
      service: 'a9s-postgresql15',
      plan: 'postgresql-single-small',
      parameters: { max_connections: 40 },
    });
    const instName = inst.metadata.name ?? '';
    await env.apply(inst);
    const provisioned = await waitReady(instances, instName);
    const uid = provisioned.metadata.uid ?? '';
    instanceIds.add(uid);
    const at = provisioned.status?.atProvider as Record<string, unknown>;
    assert.equal(at.instanceId, uid);
    assert.ok(at.serviceId && at.planId, 'catalog ids recorded');
    assert.deepEqual(at.parameters, { max_connections: 40 });

    // Binding: the flattened credentials connect to PostgreSQL.
    const sb = serviceBindingMr({ namespace: ns, claim: 'orders-app', instance: 'orders' });
    await env.apply(sb);
    const bound = await waitReady(bindings, sb.metadata.name);
    const creds = decode(await secrets.get(sb.metadata.name, { namespace: 'klutch-system' }));
    for (const key of ['host', 'port', 'username', 'password', 'database', 'uri'])
      assert.ok(creds[key], `key ${key}`);
    const uri = creds.uri ?? '';
    await withDatabase(uri, async (c) => {
      await c.query('CREATE TABLE orders (id int primary key, item text)');
      await c.query("INSERT INTO orders VALUES (1, 'tea'), (2, 'cake')");
    });
    const details = (bound.status?.atProvider as Record<string, unknown>).connectionDetails as Array<
      Record<string, string>
    >;
    assert.deepEqual(details, [{ hostURL: creds.host, port: creds.port, label: 'SQL' }]);

    // Parameter and plan changes reach the broker and the database.
    await env.apply({
      ...inst,
      spec: {
        ...inst.spec,
        forProvider: {
          ...(inst.spec.forProvider as object),
          planName: 'postgresql-single-big',
          parameters: { max_connections: 55 },
        },
      },
    });
    const osb = new OsbClient({ url: broker?.osbUrl ?? '', auth });
    try {
      const { plan } = await osb.findServiceAndPlan('a9s-postgresql15', 'postgresql-single-big');
      await waitFor(
        'update at the broker',
        async () => {
          const fetched = await osb.fetchInstance(uid);
          return fetched.planId === plan.id && fetched.parameters?.max_connections === 55
            ? fetched
            : undefined;
        },
        60_000,
        300,
      );
    } finally {
      await osb.close();
    }
    const limit = await waitFor('connection limit in PostgreSQL', async () => {
      const rows = await adminQuery<{ datconnlimit: number }>(
        'SELECT datconnlimit FROM pg_database WHERE datname = $1',
        [creds.database],
      );
      return rows[0]?.datconnlimit === 55 ? rows[0].datconnlimit : undefined;
    });
    assert.equal(limit, 55);
    await waitFor('instance in sync after the update', async () => {
      const o = await instances.get(instName);
      const a = o.status?.atProvider as Record<string, unknown>;
      return condition(o, 'Ready')?.status === 'True' &&
        (a.parameters as Record<string, unknown>).max_connections === 55
        ? true
        : undefined;
    });

    // Backup, change the data, restore.
    const bk = backupMr({ namespace: ns, claim: 'nightly', instance: 'orders' });
    await env.apply(bk);
    const backedUp = await waitReady(backups, bk.metadata.name, 120_000);
    const bat = backedUp.status?.atProvider as Record<string, unknown>;
    assert.equal(bat.status, 'done');
    assert.equal(bat.instanceId, uid);
    assert.equal(backedUp.metadata.annotations?.['anynines.crossplane.io/backup-id'], String(bat.id));
    await withDatabase(uri, (c) => c.query('DELETE FROM orders WHERE id = 2'));

    const rs = restoreMr({ namespace: ns, claim: 'undo', backup: 'nightly' });
    await env.apply(rs);
    const restored = await waitReady(restores, rs.metadata.name, 120_000);
    assert.equal((restored.status?.atProvider as Record<string, unknown>).state, 'done');
    const rows = await withDatabase(
      uri,
      async (c) => (await c.query<{ item: string }>('SELECT item FROM orders ORDER BY id')).rows,
    );
    assert.deepEqual(
      rows.map((r) => r.item),
      ['tea', 'cake'],
    );

    // A second binding keeps the instance alive while it is being deleted.
    const sb2 = serviceBindingMr({ namespace: ns, claim: 'orders-report', instance: 'orders' });
    await env.apply(sb2);
    await waitReady(bindings, sb2.metadata.name);

    // Deleting a binding unbinds: its credentials stop working.
    await bindings.delete(sb.metadata.name);
    await gone(bindings, sb.metadata.name);
    assert.equal(await secrets.tryGet(sb.metadata.name, { namespace: 'klutch-system' }), undefined);
    await assert.rejects(withDatabase(uri, (c) => c.query('SELECT 1')));

    await restores.delete(rs.metadata.name);
    await gone(restores, rs.metadata.name);
    await backups.delete(bk.metadata.name);
    await gone(backups, bk.metadata.name);

    await instances.delete(instName);
    await waitFor('deletion waits for the binding', async () => {
      const c = condition(await instances.tryGet(instName), 'Ready');
      return c?.reason === 'Deleting' && c.message?.includes(sb2.metadata.name) ? true : undefined;
    });
    const stillThere = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [creds.database]);
    assert.equal(stillThere.length, 1, 'not deprovisioned while a binding exists');
    await bindings.delete(sb2.metadata.name);
    await gone(bindings, sb2.metadata.name);
    await gone(instances, instName);
    const left = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [creds.database]);
    assert.equal(left.length, 0, 'the database was deprovisioned');
    instanceIds.delete(uid);
  });
});
