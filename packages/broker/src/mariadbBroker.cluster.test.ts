import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { instanceResourceNames } from './engines/resourceNames.js';
import {
  BrokerTestbed,
  catalogIds,
  deprovisionInstance,
  lastOperationState,
  mariadbAdminUrl,
  provisionInstance,
  waitForJob,
  waitForOperation,
} from './testing/brokerTestbed.js';

const service = 'a9s-mariadb1011';
const small = 'mariadb-single-small-ssl';
const big = 'mariadb-single-big-ssl';

async function adminRows(sql: string, values: unknown[] = []): Promise<RowDataPacket[]> {
  const admin = await createConnection(mariadbAdminUrl);
  try {
    return (await admin.query<RowDataPacket[]>(sql, values))[0];
  } finally {
    await admin.end();
  }
}

async function withBindingConnection<T>(
  credentials: Record<string, unknown>,
  fn: (c: Connection) => Promise<T>,
): Promise<T> {
  const connection = await createConnection(String(credentials.uri));
  try {
    return await fn(connection);
  } finally {
    await connection.end();
  }
}

describe('MariaDB instances through the OSB API and the backup manager', () => {
  let tb: BrokerTestbed;
  before(async () => {
    tb = await BrokerTestbed.start();
  });
  after(async () => {
    await tb?.cleanup();
  });

  it('offers the MariaDB services in the catalog', async () => {
    const catalog = (await tb.osb.get('/v2/catalog')).body as { services: Array<{ name: string }> };
    const names = catalog.services.map((s) => s.name);
    assert.ok(names.includes('a9s-mariadb106') && names.includes('a9s-mariadb1011'), names.join(','));
  });

  it('provisions, binds, backs up, restores, updates, unbinds and deprovisions', async () => {
    const id = tb.newInstanceId();
    const names = instanceResourceNames(id);
    const path = `/v2/service_instances/${id}`;
    await provisionInstance(tb.osb, id, service, small);
    assert.equal((await adminRows('SHOW DATABASES LIKE ?', [names.database])).length, 1);

    const bind = await tb.osb.put(`${path}/service_bindings/b-${id}`, catalogIds(service, small));
    assert.equal(bind.status, 201, JSON.stringify(bind.body));
    const credentials = (bind.body as { credentials: Record<string, unknown> }).credentials;
    assert.deepEqual(Object.keys(credentials).sort(), [
      'database',
      'host',
      'password',
      'port',
      'uri',
      'username',
    ]);
    assert.match(String(credentials.uri), /^mysql:\/\//);
    await withBindingConnection(credentials, async (c) => {
      await c.query('CREATE TABLE items (n INT PRIMARY KEY, label TEXT)');
      await c.query("INSERT INTO items VALUES (1, 'maria-marker'), (2, 'two')");
    });

    const created = await tb.backupManager.post(`/instances/${id}/backups`);
    assert.equal(created.status, 201);
    const backupId = (created.body as { id: number }).id;
    const backup = await waitForJob(tb.backupManager, `/instances/${id}/backups/${backupId}`);
    assert.equal(backup.status, 'done', JSON.stringify(backup));
    await withBindingConnection(credentials, async (c) => {
      await c.query('DELETE FROM items');
      await c.query("INSERT INTO items VALUES (42, 'after')");
    });
    const restore = await tb.backupManager.post(`/instances/${id}/backups/${backupId}/restore`);
    assert.equal(restore.status, 202);
    const restored = await waitForJob(
      tb.backupManager,
      `/instances/${id}/restores/${(restore.body as { id: number }).id}`,
    );
    assert.equal(restored.status, 'done', JSON.stringify(restored));
    await withBindingConnection(credentials, async (c) => {
      const [rows] = await c.query<RowDataPacket[]>('SELECT n FROM items ORDER BY n');
      assert.deepEqual(
        rows.map((r) => r.n as number),
        [1, 2],
      );
    });

    // Plan change: the per-user connection limit follows the plan size; parameters add a database.
    const patch = await tb.osb.patch(`${path}?accepts_incomplete=true`, {
      ...catalogIds(service, big),
      parameters: { databases: ['reports'], grant_performance_schema_permissions: false },
    });
    assert.equal(patch.status, 202, JSON.stringify(patch.body));
    const updated = await waitForOperation(tb.osb, id, (patch.body as { operation: string }).operation);
    assert.equal(lastOperationState(updated), 'succeeded', JSON.stringify(updated.body));
    const limits = await adminRows(
      "SELECT max_user_connections AS m FROM mysql.user WHERE User = ? AND Host = '%'",
      [credentials.username],
    );
    assert.equal(Number(limits[0]?.m), 200);
    await withBindingConnection(credentials, async (c) => {
      await c.query(`CREATE TABLE \`${names.database}_reports\`.r (x INT)`);
    });
    const invalid = await tb.osb.patch(`${path}?accepts_incomplete=true`, {
      service_id: catalogIds(service, big).service_id,
      parameters: { binlog_expire_days: 3 },
    });
    assert.equal(invalid.status, 400);
    assert.match(
      String((invalid.body as { description: string }).description),
      /binlog_expire_days.*binary log belongs to the whole server/,
    );

    const ids = catalogIds(service, big);
    const unbind = await tb.osb.delete(
      `${path}/service_bindings/b-${id}?service_id=${ids.service_id}&plan_id=${ids.plan_id}`,
    );
    assert.equal(unbind.status, 200);
    await assert.rejects(
      withBindingConnection(credentials, () => Promise.resolve()),
      /Access denied/,
    );

    await deprovisionInstance(tb.osb, id, service, big);
    assert.equal((await adminRows('SHOW DATABASES LIKE ?', [`${names.database}%`])).length, 0);
    assert.equal(
      (await adminRows('SELECT User FROM mysql.user WHERE User LIKE ?', [`${names.database}%`])).length,
      0,
    );
  });
});
