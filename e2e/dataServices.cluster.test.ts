// Acceptance of the data-service layer, end to end in the control plane:
// real API server, real sandbox broker on the local PostgreSQL and MariaDB,
// the provider and the composition controller. Users' objects are applied
// with kubectl, as a developer would.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { KubeClient, ResourceClient, silentLogger, type KubeObject } from '@klutch/kube';
import { startDataServicesStack, type DataServicesStack } from '@klutch/sandbox';
import { findRepoRoot, startCluster, type TestCluster } from '@klutch/testenv';
import { claimSteps, eventuallyDefined } from './support/claimSteps.js';

const repoRoot = findRepoRoot();
const ADMIN_PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const ADMIN_MARIADB = 'mysql://root@127.0.0.1:3306';

describe('data services end to end (control plane)', { timeout: 900_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let stack: DataServicesStack;
  const stop = new AbortController();
  const { claims, secrets, apply, ready, deleted } = claimSteps(
    () => cluster,
    () => client,
    'team-a',
  );
  const suffix = randomBytes(4).toString('hex');
  const stateDb = `klutch_e2e_${suffix}`;
  const backupDir = mkdtempSync(join(tmpdir(), 'klutch-e2e-backups-'));
  const brokerPassword = randomBytes(12).toString('hex');
  const brokerHeaders = {
    'x-broker-api-version': '2.17',
    authorization: `Basic ${Buffer.from(`broker:${brokerPassword}`).toString('base64')}`,
  };

  before(async () => {
    cluster = await startCluster({ name: 'data-services' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    stack = await startDataServicesStack({
      client,
      logger: silentLogger(),
      signal: stop.signal,
      crdDir: join(repoRoot, 'packages', 'api', 'crds'),
      broker: {
        stateDatabaseUrl: `postgres://postgres@127.0.0.1:5432/${stateDb}`,
        postgresAdminUrl: ADMIN_PG,
        mariadbAdminUrl: ADMIN_MARIADB,
        backupDir,
        username: 'broker',
        password: brokerPassword,
        provisionDelayMs: 100,
        logger: silentLogger(),
      },
      provider: { pollIntervalMs: 2_000, operationPollIntervalMs: 300, waitIntervalMs: 500 },
    });
    assert.deepEqual(stack.services, ['mariadb', 'postgresql']);
    const ns = await cluster.kubectl(['create', 'namespace', 'team-a']);
    assert.equal(ns.code, 0, ns.stderr);
  });

  after(async () => {
    stop.abort();
    await stack?.stopped();
    await client?.close();
    await cluster?.stop();
    const admin = new pg.Client({ connectionString: ADMIN_PG });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${stateDb} WITH (FORCE)`);
    await admin.end();
    rmSync(backupDir, { recursive: true, force: true });
  });

  async function credentials(bindingName: string): Promise<Record<string, string>> {
    const binding = await ready('servicebindings', bindingName);
    const secretName = binding.status?.binding?.name;
    assert.equal(secretName, `${bindingName}-creds`);
    const s = await secrets().get(secretName, { namespace: 'team-a' });
    return Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
  }

  it('PostgreSQL: instance, binding, real connection, backup, restore, plan and parameter updates, unbind, deprovision', async () => {
    await apply(`
apiVersion: anynines.com/v1
kind: PostgresqlInstance
metadata: { name: pg-orders, namespace: team-a }
spec: { service: a9s-postgresql15, plan: postgresql-single-small, parameters: { maxConnections: 40 } }
`);
    await ready('postgresqlinstances', 'pg-orders');
    await apply(`
apiVersion: anynines.com/v1
kind: ServiceBinding
metadata: { name: pg-orders-app, namespace: team-a }
spec: { instanceRef: pg-orders, serviceInstanceType: postgresql }
`);
    const creds = await credentials('pg-orders-app');
    for (const k of ['type', 'provider', 'host', 'port', 'username', 'password', 'database', 'uri'])
      assert.ok(creds[k], `key ${k}`);
    assert.equal(creds.type, 'postgresql');

    const connect = async () => {
      const c = new pg.Client({ connectionString: creds.uri });
      await c.connect();
      return c;
    };
    let db = await connect();
    await db.query('CREATE TABLE orders (id int primary key, item text)');
    await db.query("INSERT INTO orders VALUES (1, 'apple'), (2, 'pear')");
    await db.end();

    await apply(`
apiVersion: anynines.com/v1
kind: Backup
metadata: { name: pg-orders-b1, namespace: team-a }
spec: { instanceRef: pg-orders, serviceInstanceType: postgresql }
`);
    await ready('backups', 'pg-orders-b1');

    db = await connect();
    await db.query('DELETE FROM orders WHERE id = 1');
    await db.query("INSERT INTO orders VALUES (3, 'plum')");
    await db.end();

    await apply(`
apiVersion: anynines.com/v1
kind: Restore
metadata: { name: pg-orders-r1, namespace: team-a }
spec: { backupRef: pg-orders-b1, serviceInstanceType: postgresql }
`);
    await ready('restores', 'pg-orders-r1');
    db = await connect();
    const rows = await db.query<{ id: number; item: string }>('SELECT id, item FROM orders ORDER BY id');
    await db.end();
    assert.deepEqual(rows.rows, [
      { id: 1, item: 'apple' },
      { id: 2, item: 'pear' },
    ]);

    // Plan and parameter updates reach the broker, observed in the database server itself.
    const admin = new pg.Client({ connectionString: ADMIN_PG });
    await admin.connect();
    try {
      const limit = async () =>
        (
          await admin.query<{ datconnlimit: number }>(
            'SELECT datconnlimit FROM pg_database WHERE datname = $1',
            [creds.database],
          )
        ).rows[0]?.datconnlimit;
      assert.equal(await limit(), 40);
      await apply(`
apiVersion: anynines.com/v1
kind: PostgresqlInstance
metadata: { name: pg-orders, namespace: team-a }
spec: { service: a9s-postgresql15, plan: postgresql-single-big, parameters: { maxConnections: 77 } }
`);
      await eventuallyDefined('the new connection limit', async () =>
        (await limit()) === 77 ? true : undefined,
      );
      // The broker answers 422 to a fetch while its update operation still runs, so wait for its view.
      // Plan ids are per service.
      const bigPlanId = stack.broker.catalog.services
        .find((s) => s.name === 'a9s-postgresql15')
        ?.plans.find((p) => p.name === 'postgresql-single-big')?.id;
      assert.ok(bigPlanId);
      const instanceId = await instanceIdOf('pg-orders');
      await eventuallyDefined('the broker to report the new plan', async () => {
        const fetched = await fetch(`${stack.broker.osbUrl}/v2/service_instances/${instanceId}`, {
          headers: brokerHeaders,
        });
        const body = (await fetched.json()) as { plan_id?: string };
        return fetched.status === 200 && body.plan_id === bigPlanId ? true : undefined;
      });

      // An update the broker rejects (beyond the plan's schema) stays visible on the app-facing
      // claim, with the broker's description, until an update succeeds; nothing reaches the server.
      const syncedOfClaim = async () =>
        (
          await claims('postgresqlinstances').get('pg-orders', { namespace: 'team-a' })
        ).status?.conditions?.find((c) => c.type === 'Synced');
      await apply(`
apiVersion: anynines.com/v1
kind: PostgresqlInstance
metadata: { name: pg-orders, namespace: team-a }
spec: { service: a9s-postgresql15, plan: postgresql-single-big, parameters: { maxConnections: 20000 } }
`);
      const rejected = await eventuallyDefined('the rejected update on the claim', async () => {
        const c = await syncedOfClaim();
        return c?.status === 'False' && /max_connections/.test(c.message ?? '') ? c : undefined;
      });
      assert.match(rejected.message ?? '', /10000/, 'the broker description, with the limit');
      // Longer than the provider's poll interval and its first retries: the failure never hides.
      const until = Date.now() + 5_000;
      while (Date.now() < until) {
        const c = await syncedOfClaim();
        assert.equal(c?.status, 'False', `claim Synced turned ${c?.status} while the update is rejected`);
        assert.equal(c?.message, rejected.message);
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(await limit(), 77, 'the rejected update changed nothing');
      await apply(`
apiVersion: anynines.com/v1
kind: PostgresqlInstance
metadata: { name: pg-orders, namespace: team-a }
spec: { service: a9s-postgresql15, plan: postgresql-single-big, parameters: { maxConnections: 77 } }
`);
      await eventuallyDefined('the claim in sync again', async () =>
        (await syncedOfClaim())?.status === 'True' ? true : undefined,
      );

      await deleted('servicebindings', 'pg-orders-app');
      await assert.rejects(connect(), /password authentication failed|does not exist/);
      await deleted('restores', 'pg-orders-r1');
      await deleted('backups', 'pg-orders-b1');
      await deleted('postgresqlinstances', 'pg-orders');
      await eventuallyDefined('the database dropped', async () =>
        (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [creds.database])).rowCount === 0
          ? true
          : undefined,
      );
    } finally {
      await admin.end();
    }
  });

  it('MariaDB: instance, binding, real connection, backup, restore, unbind, deprovision', async () => {
    await apply(`
apiVersion: anynines.com/v1
kind: MariadbInstance
metadata: { name: maria-shop, namespace: team-a }
spec: { service: a9s-mariadb1011, plan: mariadb-single-small-ssl }
`);
    await ready('mariadbinstances', 'maria-shop');
    await apply(`
apiVersion: anynines.com/v1
kind: ServiceBinding
metadata: { name: maria-shop-app, namespace: team-a }
spec: { instanceRef: maria-shop, serviceInstanceType: mariadb }
`);
    const creds = await credentials('maria-shop-app');
    assert.equal(creds.type, 'mariadb');
    const connect = () =>
      createConnection({
        host: creds.host,
        port: Number(creds.port),
        user: creds.username,
        password: creds.password,
        database: creds.database,
      });
    let db = await connect();
    await db.query('CREATE TABLE carts (id int primary key, item varchar(20))');
    await db.query("INSERT INTO carts VALUES (1, 'tea'), (2, 'milk')");
    await db.end();

    await apply(`
apiVersion: anynines.com/v1
kind: Backup
metadata: { name: maria-shop-b1, namespace: team-a }
spec: { instanceRef: maria-shop, serviceInstanceType: mariadb }
`);
    await ready('backups', 'maria-shop-b1');
    db = await connect();
    await db.query('DELETE FROM carts');
    await db.end();
    await apply(`
apiVersion: anynines.com/v1
kind: Restore
metadata: { name: maria-shop-r1, namespace: team-a }
spec: { backupRef: maria-shop-b1, serviceInstanceType: mariadb }
`);
    await ready('restores', 'maria-shop-r1');
    db = await connect();
    const [rows] = await db.query('SELECT id, item FROM carts ORDER BY id');
    await db.end();
    assert.deepEqual(JSON.parse(JSON.stringify(rows)), [
      { id: 1, item: 'tea' },
      { id: 2, item: 'milk' },
    ]);

    await deleted('servicebindings', 'maria-shop-app');
    await assert.rejects(connect(), /Access denied/);
    await deleted('restores', 'maria-shop-r1');
    await deleted('backups', 'maria-shop-b1');
    await deleted('mariadbinstances', 'maria-shop');
    const admin = await createConnection({ host: '127.0.0.1', user: 'root' });
    try {
      await eventuallyDefined('the MariaDB database dropped', async () => {
        const [r] = await admin.query('SHOW DATABASES LIKE ?', [creds.database]);
        return (r as unknown[]).length === 0 ? true : undefined;
      });
    } finally {
      await admin.end();
    }
  });

  it('bad input gets a clear answer: a backup of a missing instance, parameters the plan schema rejects, an unknown plan', async () => {
    await apply(`
apiVersion: anynines.com/v1
kind: Backup
metadata: { name: orphan-backup, namespace: team-a }
spec: { instanceRef: no-such-instance, serviceInstanceType: postgresql }
`);
    const msg = await eventuallyDefined('a condition on the orphan backup', async () => {
      const b = await claims('backups').get('orphan-backup', { namespace: 'team-a' });
      return b.status?.conditions?.find(
        (c) => c.status === 'False' && c.message?.includes('no-such-instance'),
      )?.message;
    });
    assert.match(msg, /no-such-instance/);
    await deleted('backups', 'orphan-backup');

    // Valid for the API (the CRD has no upper bound) but beyond the sandbox plan's schema.
    await apply(`
apiVersion: anynines.com/v1
kind: PostgresqlInstance
metadata: { name: pg-too-big, namespace: team-a }
spec: { service: a9s-postgresql15, plan: postgresql-single-nano, parameters: { maxConnections: 20000 } }
`);
    const rejected = await eventuallyDefined('the broker rejection on the instance', async () => {
      const c = await claims('postgresqlinstances').get('pg-too-big', { namespace: 'team-a' });
      return c.status?.conditions?.find(
        (x) => x.status === 'False' && /max_connections/.test(x.message ?? ''),
      )?.message;
    });
    assert.match(rejected, /10000/);
    const events = await cluster.kubectl([
      '-n',
      'team-a',
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=pg-too-big',
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    assert.match(events.stdout, /max_connections/, 'the root cause also reaches the claim as an Event');
    await deleted('postgresqlinstances', 'pg-too-big');

    // An unknown plan never reaches the broker: the API server refuses it with the list of plans.
    const unknownPlan = await cluster.kubectl(['apply', '-f', '-'], {
      input: `
apiVersion: anynines.com/v1
kind: PostgresqlInstance
metadata: { name: pg-unknown-plan, namespace: team-a }
spec: { service: a9s-postgresql15, plan: postgresql-single-huge }
`,
    });
    assert.notEqual(unknownPlan.code, 0);
    assert.match(unknownPlan.stderr, /spec.plan: Unsupported value: "postgresql-single-huge"/);
  });

  it('a role privilege that would take over the shared server is refused, and the reason reaches the instance', async () => {
    // The CRD accepts the a9s value; the sandbox broker refuses it, as a real broker would answer.
    await apply(`
apiVersion: anynines.com/v1
kind: PostgresqlInstance
metadata: { name: pg-createrole, namespace: team-a }
spec: { service: a9s-postgresql15, plan: postgresql-single-nano, parameters: { rolePrivileges: [CREATEROLE] } }
`);
    const refused = await eventuallyDefined('the broker refusal on the instance', async () => {
      const c = await claims('postgresqlinstances').get('pg-createrole', { namespace: 'team-a' });
      return c.status?.conditions?.find((x) => x.status === 'False' && /CREATEROLE/.test(x.message ?? ''))
        ?.message;
    });
    assert.match(
      refused,
      /role_privileges" value CREATEROLE is not available on a shared PostgreSQL server: it would let the role take over other databases/,
    );
    const events = await cluster.kubectl([
      '-n',
      'team-a',
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=pg-createrole',
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    assert.match(events.stdout, /CREATEROLE is not available on a shared PostgreSQL server/);
    await deleted('postgresqlinstances', 'pg-createrole');
  });

  async function instanceIdOf(claimName: string): Promise<string> {
    const mrs = new ResourceClient<KubeObject & { status?: { atProvider?: { instanceId?: string } } }>(
      client,
      {
        group: 'dataservices.anynines.com',
        version: 'v1',
        resource: 'serviceinstances',
        namespaced: false,
      },
    );
    const list = await mrs.list({
      labelSelector: `crossplane.io/claim-name=${claimName},crossplane.io/claim-namespace=team-a`,
    });
    const id = list.items[0]?.status?.atProvider?.instanceId;
    assert.ok(id, 'the managed ServiceInstance has an instance id');
    return id;
  }
});
