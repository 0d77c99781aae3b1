import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { instanceResourceNames } from './engines/resourceNames.js';
import {
  BrokerTestbed,
  catalogIds,
  deprovisionInstance,
  lastOperationState,
  postgresAdminUrl,
  provisionInstance,
  waitForJob,
  waitForOperation,
} from './testing/brokerTestbed.js';

const service = 'a9s-postgresql15';
const small = 'postgresql-single-small';

async function adminQuery<R extends Record<string, unknown>>(
  sql: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function withBindingClient<T>(
  credentials: Record<string, unknown>,
  fn: (c: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: String(credentials.uri) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function databaseSettings(database: string): Promise<string[]> {
  const rows = await adminQuery<{ setconfig: string[] | null }>(
    `SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
     WHERE d.datname = $1 AND s.setrole = 0`,
    [database],
  );
  return rows[0]?.setconfig ?? [];
}

async function connectionLimit(database: string): Promise<number | undefined> {
  const rows = await adminQuery<{ datconnlimit: number }>(
    'SELECT datconnlimit FROM pg_database WHERE datname = $1',
    [database],
  );
  return rows[0]?.datconnlimit;
}

describe('PostgreSQL instances through the OSB API and the backup manager', () => {
  let tb: BrokerTestbed;
  before(async () => {
    tb = await BrokerTestbed.start({ provisionDelayMs: 300 });
  });
  after(async () => {
    await tb?.cleanup();
  });

  it('provisions, binds, backs up, restores, unbinds and deprovisions', async () => {
    const id = tb.newInstanceId();
    const names = instanceResourceNames(id);
    const path = `/v2/service_instances/${id}`;
    const body = {
      ...catalogIds(service, small),
      organization_guid: 'o',
      space_guid: 's',
      parameters: { work_mem: '8MB' },
    };

    const put = await tb.osb.put(`${path}?accepts_incomplete=true`, body);
    assert.equal(put.status, 202, JSON.stringify(put.body));
    const operation = String((put.body as { operation: string }).operation);
    assert.match(operation, /^provision-/);
    const polled = await tb.osb.get(`${path}/last_operation?operation=${operation}`);
    assert.equal(lastOperationState(polled), 'in progress');
    // The test bed's start delay is short, so no Retry-After longer than the work is suggested.
    assert.equal(polled.headers.get('retry-after'), null);
    assert.equal(lastOperationState(await waitForOperation(tb.osb, id, operation)), 'succeeded');

    assert.equal(await connectionLimit(names.database), 50);
    assert.ok((await databaseSettings(names.database)).includes('work_mem=8MB'));
    assert.equal((await tb.osb.put(`${path}?accepts_incomplete=true`, body)).status, 200);
    const conflict = await tb.osb.put(`${path}?accepts_incomplete=true`, { ...body, parameters: {} });
    assert.equal(conflict.status, 409);
    assert.match(String((conflict.body as { description: string }).description), /already exists/);
    const fetched = await tb.osb.get(path);
    assert.equal(fetched.status, 200);
    assert.deepEqual((fetched.body as { parameters: unknown }).parameters, { work_mem: '8MB' });
    const a9s = await tb.osb.get(`/instances/${id}`);
    assert.equal((a9s.body as { state: string }).state, 'provisioned');

    // Bind, and use the credentials.
    const bindingPath = `${path}/service_bindings/b-${id}`;
    const bind = await tb.osb.put(bindingPath, catalogIds(service, small));
    assert.equal(bind.status, 201, JSON.stringify(bind.body));
    const credentials = (bind.body as { credentials: Record<string, unknown> }).credentials;
    assert.deepEqual(Object.keys(credentials).sort(), [
      'database',
      'host',
      'jdbcUrl',
      'password',
      'port',
      'uri',
      'username',
    ]);
    assert.equal(credentials.database, names.database);
    assert.equal(credentials.host, '127.0.0.1');
    const repeat = await tb.osb.put(bindingPath, catalogIds(service, small));
    assert.equal(repeat.status, 200);
    assert.deepEqual((repeat.body as { credentials: unknown }).credentials, credentials);
    assert.deepEqual(
      ((await tb.osb.get(bindingPath)).body as { credentials: unknown }).credentials,
      credentials,
    );
    await withBindingClient(credentials, async (c) => {
      await c.query('CREATE TABLE items (n int, label text)');
      await c.query("INSERT INTO items VALUES (1, 'row-marker-one'), (2, 'two'), (3, 'three')");
    });

    // Back up, change the data, restore.
    const created = await tb.backupManager.post(`/instances/${id}/backups`);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const backupId = (created.body as { id: unknown }).id;
    assert.equal(typeof backupId, 'number');
    const backup = await waitForJob(tb.backupManager, `/instances/${id}/backups/${String(backupId)}`);
    assert.equal(backup.status, 'done', JSON.stringify(backup));
    assert.ok(Number(backup.size) > 0);
    assert.ok(backup.finished_at);
    const file = join(tb.options.backupDir, id, `${String(backupId)}.bin`);
    assert.ok(
      !(await readFile(file)).includes(Buffer.from('row-marker-one')),
      'the backup file is encrypted',
    );

    await withBindingClient(credentials, async (c) => {
      await c.query('DELETE FROM items WHERE n = 1');
      await c.query("INSERT INTO items VALUES (99, 'later')");
      await c.query('CREATE TABLE created_after_backup (x int)');
    });
    const restore = await tb.backupManager.post(`/instances/${id}/backups/${String(backupId)}/restore`);
    assert.equal(restore.status, 202, JSON.stringify(restore.body));
    const restoreId = (restore.body as { id: number }).id;
    const restored = await waitForJob(tb.backupManager, `/instances/${id}/restores/${restoreId}`);
    assert.equal(restored.status, 'done', JSON.stringify(restored));
    await withBindingClient(credentials, async (c) => {
      assert.deepEqual((await c.query('SELECT n FROM items ORDER BY n')).rows, [
        { n: 1 },
        { n: 2 },
        { n: 3 },
      ]);
      assert.equal(
        (await c.query<{ t: string | null }>("SELECT to_regclass('created_after_backup') AS t")).rows[0]?.t,
        null,
      );
      assert.equal(
        (await c.query<{ tableowner: string }>("SELECT tableowner FROM pg_tables WHERE tablename = 'items'"))
          .rows[0]?.tableowner,
        names.ownerRole,
      );
    });
    const restores = await tb.backupManager.get(`/instances/${id}/restores`);
    assert.deepEqual(
      (restores.body as Array<{ id: number }>).map((r) => r.id),
      [restoreId],
    );

    // A new encryption key applies to new backups; old backups stay restorable with their own key.
    assert.equal(
      (await tb.backupManager.put(`/instances/${id}`, { encryption_key: 'a brand new passphrase' })).status,
      200,
    );
    const second = await tb.backupManager.post(`/instances/${id}/backups`);
    const secondId = (second.body as { id: number }).id;
    assert.equal((await waitForJob(tb.backupManager, `/instances/${id}/backups/${secondId}`)).status, 'done');
    await withBindingClient(credentials, (c) => c.query('DELETE FROM items'));
    const again = await tb.backupManager.post(`/instances/${id}/backups/${String(backupId)}/restore`);
    assert.equal(
      (await waitForJob(tb.backupManager, `/instances/${id}/restores/${(again.body as { id: number }).id}`))
        .status,
      'done',
    );
    await withBindingClient(credentials, async (c) => {
      assert.equal((await c.query<{ n: number }>('SELECT count(*)::int AS n FROM items')).rows[0]?.n, 3);
    });
    const listed = await tb.backupManager.get(`/instances/${id}/backups`);
    assert.deepEqual(
      (listed.body as Array<{ id: number }>).map((b) => b.id),
      [secondId, backupId],
    );
    const config = await tb.backupManager.get(`/instances/${id}/config`);
    assert.equal((config.body as { min_encryption_key_length: number }).min_encryption_key_length, 8);

    // Deleting a backup removes its file.
    const secondFile = join(tb.options.backupDir, id, `${secondId}.bin`);
    assert.ok(existsSync(secondFile));
    assert.equal((await tb.backupManager.delete(`/instances/${id}/backups/${secondId}`)).status, 200);
    assert.ok(!existsSync(secondFile));
    assert.equal(
      ((await tb.backupManager.get(`/instances/${id}/backups/${secondId}`)).body as { status: string })
        .status,
      'deleted',
    );
    const restoreDeleted = await tb.backupManager.post(`/instances/${id}/backups/${secondId}/restore`);
    assert.equal(restoreDeleted.status, 422);

    // Unbind: the login stops working.
    const ids = catalogIds(service, small);
    const unbind = await tb.osb.delete(`${bindingPath}?service_id=${ids.service_id}&plan_id=${ids.plan_id}`);
    assert.equal(unbind.status, 200);
    await assert.rejects(
      withBindingClient(credentials, () => Promise.resolve()),
      /does not exist/,
    );
    assert.equal(
      (await tb.osb.delete(`${bindingPath}?service_id=${ids.service_id}&plan_id=${ids.plan_id}`)).status,
      410,
    );
    assert.equal((await tb.osb.get(bindingPath)).status, 404);

    // Deprovision: everything is gone.
    await deprovisionInstance(tb.osb, id, service, small);
    assert.equal(await connectionLimit(names.database), undefined);
    assert.deepEqual(
      await adminQuery('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [`${names.database}%`]),
      [],
    );
    assert.ok(!existsSync(join(tb.options.backupDir, id)));
    assert.equal((await tb.osb.get(path)).status, 404);
    assert.equal(((await tb.osb.get(`/instances/${id}`)).body as { state: string }).state, 'deleted');
    assert.equal((await tb.osb.get(`${path}/last_operation`)).status, 410);
    const deleteAgain = await tb.osb.delete(
      `${path}?accepts_incomplete=true&service_id=${ids.service_id}&plan_id=${ids.plan_id}`,
    );
    assert.equal(deleteAgain.status, 410);
  });

  it('applies plan and parameter updates to the database and the binding roles', async () => {
    const id = tb.newInstanceId();
    const names = instanceResourceNames(id);
    const path = `/v2/service_instances/${id}`;
    await provisionInstance(tb.osb, id, service, 'postgresql-single-nano', { statement_timeout: 1500 });
    assert.equal(await connectionLimit(names.database), 10);
    assert.ok((await databaseSettings(names.database)).includes('statement_timeout=1500'));
    const bind = await tb.osb.put(
      `${path}/service_bindings/b-${id}`,
      catalogIds(service, 'postgresql-single-nano'),
    );
    const credentials = (bind.body as { credentials: Record<string, unknown> }).credentials;

    const update = async (body: Record<string, unknown>) => {
      const r = await tb.osb.patch(`${path}?accepts_incomplete=true`, {
        service_id: catalogIds(service, small).service_id,
        ...body,
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const done = await waitForOperation(tb.osb, id, (r.body as { operation: string }).operation);
      assert.equal(lastOperationState(done), 'succeeded', JSON.stringify(done.body));
    };

    await update({
      plan_id: catalogIds(service, 'postgresql-single-big').plan_id,
      parameters: { statement_timeout: null, work_mem: '16MB', log_statement: 'ddl' },
    });
    assert.equal(await connectionLimit(names.database), 200);
    const settings = await databaseSettings(names.database);
    assert.ok(settings.includes('work_mem=16MB'), settings.join(','));
    assert.ok(settings.includes('log_statement=ddl'));
    assert.ok(!settings.some((s) => s.startsWith('statement_timeout')));
    const fetched = (await tb.osb.get(path)).body as { plan_id: string; parameters: unknown };
    assert.equal(fetched.plan_id, catalogIds(service, 'postgresql-single-big').plan_id);
    assert.deepEqual(fetched.parameters, { work_mem: '16MB', log_statement: 'ddl' });
    await withBindingClient(credentials, async (c) => {
      assert.equal(
        (await c.query<{ v: string }>("SELECT current_setting('work_mem') AS v")).rows[0]?.v,
        '16MB',
      );
    });

    await update({ parameters: { max_connections: 7, role_privileges: [] } });
    assert.equal(await connectionLimit(names.database), 7);
    const role = await adminQuery<{ rolcreatedb: boolean }>(
      'SELECT rolcreatedb FROM pg_roles WHERE rolname = $1',
      [credentials.username],
    );
    // The broker refuses every role privilege on its shared server (tenantIsolation.cluster.test.ts).
    assert.equal(role[0]?.rolcreatedb, false);

    const same = await tb.osb.patch(`${path}?accepts_incomplete=true`, {
      service_id: catalogIds(service, small).service_id,
    });
    assert.equal(same.status, 200);
    const unknownPlan = await tb.osb.patch(`${path}?accepts_incomplete=true`, {
      service_id: catalogIds(service, small).service_id,
      plan_id: 'no-such-plan',
    });
    assert.equal(unknownPlan.status, 400);
    assert.match(
      String((unknownPlan.body as { description: string }).description),
      /not a plan of service a9s-postgresql15/,
    );
    const invalid = await tb.osb.patch(`${path}?accepts_incomplete=true`, {
      service_id: catalogIds(service, small).service_id,
      parameters: { work_mem: 'lots' },
    });
    assert.equal(invalid.status, 400);
    assert.match(
      String((invalid.body as { description: string }).description),
      /parameter "work_mem" must match pattern/,
    );
    const noAsync = await tb.osb.patch(path, {
      service_id: catalogIds(service, small).service_id,
      parameters: { work_mem: '1MB' },
    });
    assert.equal(noAsync.status, 422);
    assert.equal((noAsync.body as { error: string }).error, 'AsyncRequired');

    await deprovisionInstance(tb.osb, id, service, 'postgresql-single-big');
    assert.deepEqual(
      await adminQuery('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [`${names.database}%`]),
      [],
    );
  });

  it('rotates credentials: a successor binding gets its own login and the predecessor keeps working until unbound', async () => {
    const id = tb.newInstanceId();
    const path = `/v2/service_instances/${id}`;
    await provisionInstance(tb.osb, id, service, small);
    const ids = catalogIds(service, small);
    const first = (await tb.osb.put(`${path}/service_bindings/one`, ids)).body as {
      credentials: Record<string, unknown>;
    };
    await withBindingClient(first.credentials, (c) =>
      c.query('CREATE TABLE shared (v int); INSERT INTO shared VALUES (1)'),
    );
    const rotated = await tb.osb.put(`${path}/service_bindings/two`, {
      ...ids,
      predecessor_binding_id: 'one',
    });
    assert.equal(rotated.status, 201);
    const second = (rotated.body as { credentials: Record<string, unknown> }).credentials;
    assert.notEqual(second.username, first.credentials.username);
    assert.notEqual(second.password, first.credentials.password);
    await withBindingClient(first.credentials, (c) => c.query('SELECT 1'));
    assert.equal(
      (
        await tb.osb.delete(
          `${path}/service_bindings/one?service_id=${ids.service_id}&plan_id=${ids.plan_id}`,
        )
      ).status,
      200,
    );
    // Objects created through the predecessor stay usable by the successor.
    await withBindingClient(second, async (c) => {
      await c.query('INSERT INTO shared VALUES (2)');
      assert.equal((await c.query<{ n: number }>('SELECT count(*)::int AS n FROM shared')).rows[0]?.n, 2);
    });
    const badPredecessor = await tb.osb.put(`${path}/service_bindings/three`, {
      ...ids,
      predecessor_binding_id: 'nope',
    });
    assert.equal(badPredecessor.status, 400);
    assert.match(
      String((badPredecessor.body as { description: string }).description),
      /predecessor_binding_id nope/,
    );
    await deprovisionInstance(tb.osb, id, service, small);
  });

  it('refuses to restore a failed backup', async () => {
    const id = tb.newInstanceId();
    await provisionInstance(tb.osb, id, service, small);
    // Remove the database behind the broker's back, so pg_dump fails.
    await adminQuery(`DROP DATABASE ${instanceResourceNames(id).database} WITH (FORCE)`);
    const created = await tb.backupManager.post(`/instances/${id}/backups`);
    const backupId = (created.body as { id: number }).id;
    const failed = await waitForJob(tb.backupManager, `/instances/${id}/backups/${backupId}`);
    assert.equal(failed.status, 'failed');
    assert.match(String(failed.message), /pg_dump exited with code 1/);
    const restore = await tb.backupManager.post(`/instances/${id}/backups/${backupId}/restore`);
    assert.equal(restore.status, 422);
    assert.equal((restore.body as { error: string }).error, 'BackupNonRestorableState');
    assert.match(
      String((restore.body as { description: string }).description),
      /status failed .*only backups with status done/,
    );
    await deprovisionInstance(tb.osb, id, service, small);
  });

  it('answers bad requests with actionable errors', async () => {
    const unknown = tb.newInstanceId();
    const path = `/v2/service_instances/${unknown}`;
    const noVersion = tb.osb.withHeaders({});
    const missing = await noVersion.get('/v2/catalog');
    assert.equal(missing.status, 412);
    assert.match(
      String((missing.body as { description: string }).description),
      /X-Broker-API-Version header is missing/,
    );
    assert.equal(
      (await tb.osb.withHeaders({ 'x-broker-api-version': '2.12' }).get('/v2/catalog')).status,
      412,
    );
    const wrong = await tb.osb.withAuth({ username: 'broker', password: 'wrong' }).get('/v2/catalog');
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /Basic/);
    assert.equal((await tb.osb.withAuth(undefined).get('/v2/catalog')).status, 401);
    assert.equal((await tb.osb.withAuth(undefined).get('/healthz')).status, 200);
    assert.equal((await tb.backupManager.withAuth(undefined).get('/healthz')).status, 200);
    assert.equal((await tb.osb.withAuth(undefined).get('/osb_ext/v1/healthy')).status, 401);
    assert.equal((await tb.osb.request('HEAD', '/osb_ext/v1/healthy')).status, 200);
    assert.equal((await tb.backupManager.get('/v2/healthy')).status, 200);

    assert.equal((await tb.osb.get(path)).status, 404);
    const lastOp = await tb.osb.get(`${path}/last_operation`);
    assert.equal(lastOp.status, 404);
    const ids = catalogIds(service, small);
    assert.equal(
      (
        await tb.osb.delete(
          `${path}?accepts_incomplete=true&service_id=${ids.service_id}&plan_id=${ids.plan_id}`,
        )
      ).status,
      410,
    );
    assert.equal(
      (await tb.osb.delete(`${path}/service_bindings/x?service_id=${ids.service_id}&plan_id=${ids.plan_id}`))
        .status,
      410,
    );
    assert.equal((await tb.osb.get(`${path}/service_bindings/x`)).status, 404);
    assert.equal(
      (await tb.osb.patch(`${path}?accepts_incomplete=true`, { service_id: ids.service_id })).status,
      404,
    );
    const a9s = await tb.osb.get(`/instances/${unknown}`);
    assert.equal(a9s.status, 404);
    assert.deepEqual((a9s.body as { error: string }).error, 'InstanceNotFound');
    const backup = await tb.backupManager.post(`/instances/${unknown}/backups`);
    assert.equal(backup.status, 404);
    assert.equal((backup.body as { error: string }).error, 'InstanceNotFound');

    const sync = await tb.osb.put(path, { ...ids, organization_guid: 'o', space_guid: 's' });
    assert.equal(sync.status, 422);
    assert.equal((sync.body as { error: string }).error, 'AsyncRequired');
    const badParams = await tb.osb.put(`${path}?accepts_incomplete=true`, {
      ...ids,
      parameters: { max_connections: 0, shared_buffers: '1GB', wal_level_logical: true },
    });
    assert.equal(badParams.status, 400);
    const description = String((badParams.body as { description: string }).description);
    assert.match(description, /parameter "max_connections" must be >= 1/);
    assert.match(description, /parameter "shared_buffers" is not supported; supported parameters are/);
    assert.match(description, /parameter "wal_level_logical" cannot be set on the sandbox broker/);
    const badPlan = await tb.osb.put(`${path}?accepts_incomplete=true`, { ...ids, plan_id: 'nope' });
    assert.equal(badPlan.status, 400);
    assert.match(
      String((badPlan.body as { description: string }).description),
      /its plans are postgresql-single-nano/,
    );
    const badService = await tb.osb.put(`${path}?accepts_incomplete=true`, { ...ids, service_id: 'nope' });
    assert.match(
      String((badService.body as { description: string }).description),
      /services are a9s-postgresql13/,
    );
    const notJson = await tb.osb.request('PUT', `${path}?accepts_incomplete=true`, undefined, {
      'content-type': 'application/json',
    });
    assert.equal(notJson.status, 400);
    assert.equal((await tb.osb.get('/v2/nothing')).status, 404);
    assert.equal((await tb.osb.request('POST', '/v2/catalog')).status, 405);
  });
});
