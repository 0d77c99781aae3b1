import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  BackupManagerClient,
  OsbClient,
  OsbError,
  ServiceClientError,
  orphanMitigationFor,
} from '@klutch/broker-clients';
import { createConnection } from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { Client, escapeIdentifier } from 'pg';
import { instanceResourceNames } from './engines/resourceNames.js';
import {
  BrokerTestbed,
  catalogIds,
  lastOperationState,
  mariadbAdminUrl,
  postgresAdminUrl,
  provisionInstance,
  waitForJob,
  waitForOperation,
} from './testing/brokerTestbed.js';
import type { TestHttpClient, TestResponse } from './testing/testHttpClient.js';
import { waitFor } from './testing/testHttpClient.js';

// Attacks on the broker's robustness with real servers: sessions that hold real locks on an
// instance's database, and floods of requests beyond the configured bounds.

const pgService = 'a9s-postgresql15';
const pgPlan = 'postgresql-single-small';
const mariaService = 'a9s-mariadb1011';
const mariaPlan = 'mariadb-single-small-ssl';

/** How long a test waits for an operation that must end within the (short) test timeouts. */
const boundMs = 30_000;

function deprovisionPath(instanceId: string, service: string, plan: string): string {
  const ids = catalogIds(service, plan);
  return `/v2/service_instances/${instanceId}?accepts_incomplete=true&service_id=${ids.service_id}&plan_id=${ids.plan_id}`;
}

async function startDeprovision(
  osb: TestHttpClient,
  instanceId: string,
  service: string,
  plan: string,
): Promise<string> {
  const del = await osb.delete(deprovisionPath(instanceId, service, plan));
  assert.equal(del.status, 202, JSON.stringify(del.body));
  return String((del.body as { operation: string }).operation);
}

function description(response: TestResponse): string {
  return String((response.body as { description?: unknown }).description);
}

async function pgDatabaseExists(database: string): Promise<boolean> {
  const admin = new Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    return (
      ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount ?? 0) > 0
    );
  } finally {
    await admin.end();
  }
}

/** Another admin session that keeps a transaction open, as a stuck client or a careless DBA would. */
async function holdPostgresLock(sql: string): Promise<{ release(): Promise<void> }> {
  const holder = new Client({ connectionString: postgresAdminUrl, application_name: 'klutch-test-holder' });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query(sql);
  return {
    release: async () => {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    },
  };
}

async function bindCredentials(
  osb: TestHttpClient,
  instanceId: string,
  service: string,
  plan: string,
): Promise<Record<string, unknown>> {
  const bind = await osb.put(
    `/v2/service_instances/${instanceId}/service_bindings/b-${instanceId}`,
    catalogIds(service, plan),
  );
  assert.equal(bind.status, 201, JSON.stringify(bind.body));
  return (bind.body as { credentials: Record<string, unknown> }).credentials;
}

describe('the broker with stuck locks (lock timeout 1s)', () => {
  let tb: BrokerTestbed;
  before(async () => {
    tb = await BrokerTestbed.start({
      provisionDelayMs: 50,
      databaseTimeouts: { lockMs: 1000 },
      jobConcurrency: 1,
      maxQueuedJobs: 3,
    });
  });
  after(async () => {
    await tb?.cleanup();
  });

  it('fails a PostgreSQL deprovision blocked by another session, keeps the backups, and a retry succeeds', async () => {
    const id = tb.newInstanceId();
    const { database } = instanceResourceNames(id);
    await provisionInstance(tb.osb, id, pgService, pgPlan);
    const backup = await tb.backupManager.post(`/instances/${id}/backups`);
    assert.equal(backup.status, 201, JSON.stringify(backup.body));
    const backupPath = `/instances/${id}/backups/${String((backup.body as { id: number }).id)}`;
    assert.equal((await waitForJob(tb.backupManager, backupPath)).status, 'done');

    // COMMENT ON DATABASE holds a lock on the database until the transaction ends; DROP DATABASE
    // WITH (FORCE) terminates sessions *in* the database, not this one, and waits for it.
    const lock = await holdPostgresLock(
      `COMMENT ON DATABASE ${escapeIdentifier(database)} IS 'held by a test'`,
    );
    let firstOperation: string;
    try {
      const started = Date.now();
      firstOperation = await startDeprovision(tb.osb, id, pgService, pgPlan);
      const failed = await waitFor(
        'the blocked deprovision to end',
        () => tb.osb.get(`/v2/service_instances/${id}/last_operation?operation=${firstOperation}`),
        (r) => lastOperationState(r) !== 'in progress',
        boundMs,
      );
      assert.equal(lastOperationState(failed), 'failed', JSON.stringify(failed.body));
      assert.ok(Date.now() - started < 20_000, `ended after ${Date.now() - started} ms`);
      assert.match(
        description(failed),
        new RegExp(
          `^Deprovisioning of service instance ${id} timed out: PostgreSQL waited 1s for a lock on database ${database} ` +
            '.*another session holds.*Retry the request once the other session has ended; a new deprovision request \\(DELETE\\) starts a new attempt\\.$',
        ),
      );
      assert.equal((failed.body as { instance_usable?: unknown }).instance_usable, false);
      // Nothing is lost by the failed attempt: the database and the backup are still there.
      assert.ok(await pgDatabaseExists(database));
      assert.equal(((await tb.backupManager.get(backupPath)).body as { status: string }).status, 'done');
    } finally {
      await lock.release();
    }

    const secondOperation = await startDeprovision(tb.osb, id, pgService, pgPlan);
    assert.notEqual(secondOperation, firstOperation, 'a retry starts a new attempt');
    assert.equal(lastOperationState(await waitForOperation(tb.osb, id, secondOperation)), 'gone');
    assert.equal(await pgDatabaseExists(database), false);
    assert.equal((await tb.backupManager.get(backupPath)).status, 404);
  });

  it('fails a backup whose pg_dump waits for a table lock, and a later backup succeeds', async () => {
    const id = tb.newInstanceId();
    await provisionInstance(tb.osb, id, pgService, pgPlan);
    const credentials = await bindCredentials(tb.osb, id, pgService, pgPlan);
    // The application itself holds an exclusive table lock (a long migration, say).
    const app = new Client({ connectionString: String(credentials.uri) });
    await app.connect();
    try {
      await app.query('CREATE TABLE items (n int)');
      await app.query('INSERT INTO items VALUES (1), (2)');
      await app.query('BEGIN');
      await app.query('LOCK TABLE items IN ACCESS EXCLUSIVE MODE');
      const created = await tb.backupManager.post(`/instances/${id}/backups`);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const path = `/instances/${id}/backups/${String((created.body as { id: number }).id)}`;
      const final = await waitFor(
        'the blocked backup to end',
        () => tb.backupManager.get(path),
        (r) => !['queued', 'running'].includes(String((r.body as { status?: unknown }).status)),
        boundMs,
      );
      const job = final.body as { status: string; message: string };
      assert.equal(job.status, 'failed', JSON.stringify(job));
      assert.match(job.message, /^backup failed: pg_dump exited with code 1: .*(lock|timeout)/i);
    } finally {
      await app.query('ROLLBACK').catch(() => undefined);
      await app.end();
    }
    const again = await tb.backupManager.post(`/instances/${id}/backups`);
    assert.equal(again.status, 201, JSON.stringify(again.body));
    const done = await waitForJob(
      tb.backupManager,
      `/instances/${id}/backups/${String((again.body as { id: number }).id)}`,
    );
    assert.equal(done.status, 'done', JSON.stringify(done));
  });

  it('answers a flood of backup requests beyond the queue bound with 429 and Retry-After, losing nothing', async () => {
    const id = tb.newInstanceId();
    await provisionInstance(tb.osb, id, pgService, pgPlan);
    const credentials = await bindCredentials(tb.osb, id, pgService, pgPlan);
    const app = new Client({ connectionString: String(credentials.uri) });
    await app.connect();
    await app.query(
      'CREATE TABLE marks AS SELECT g AS n, md5(g::text) AS label FROM generate_series(1, 2000) g',
    );
    await app.end();

    // Half of the flood comes through the provider's client, half as raw requests (to see headers).
    const client = new BackupManagerClient({
      url: tb.broker.backupManagerUrl,
      auth: { username: tb.options.username, password: tb.options.password },
    });
    const flood = 16;
    let raw: TestResponse[];
    let viaClient: Array<PromiseSettledResult<{ id: number }>>;
    try {
      [raw, viaClient] = await Promise.all([
        Promise.all(
          Array.from({ length: flood / 2 }, () => tb.backupManager.post(`/instances/${id}/backups`)),
        ),
        Promise.allSettled(Array.from({ length: flood / 2 }, () => client.createBackup(id))),
      ]);
    } finally {
      await client.close();
    }
    const rawAccepted = raw.filter((a) => a.status === 201).map((a) => (a.body as { id: number }).id);
    const rawRefused = raw.filter((a) => a.status === 429);
    assert.equal(
      rawAccepted.length + rawRefused.length,
      raw.length,
      JSON.stringify(raw.map((a) => a.status)),
    );
    const clientAccepted = viaClient.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    const clientRefused = viaClient.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const accepted = [...rawAccepted, ...clientAccepted];
    // At most 3 wait, one runs; what finished during the flood made room for a few more.
    assert.ok(accepted.length >= 3, `accepted ${accepted.length}`);
    assert.ok(rawRefused.length >= 1 && clientRefused.length >= 1, `accepted ${accepted.length} of ${flood}`);
    for (const r of rawRefused) {
      assert.equal(r.headers.get('retry-after'), '10');
      assert.equal((r.body as { error: string }).error, 'TooManyRequests');
      assert.match(
        description(r),
        /backups and restores waiting \(at most 3\).*Send the request again after 10 seconds/,
      );
    }
    // The provider's client sees a retryable failure that carries the broker's sentence.
    for (const err of clientRefused) {
      assert.ok(err instanceof ServiceClientError, String(err));
      assert.equal(err.status, 429);
      assert.equal(err.retryable, true);
      assert.match(err.userMessage, /at most 3/);
    }

    // Every accepted backup completes and is complete; a refused one left no trace.
    const ids = accepted.sort((a, b) => a - b);
    for (const backupId of ids) {
      const job = await waitForJob(tb.backupManager, `/instances/${id}/backups/${backupId}`);
      assert.equal(job.status, 'done', JSON.stringify(job));
      assert.ok(Number(job.size) > 0);
    }
    const listed = (await tb.backupManager.get(`/instances/${id}/backups`)).body as Array<{ id: number }>;
    assert.deepEqual(
      listed.map((b) => b.id).sort((a, b) => a - b),
      ids,
    );

    // The newest is restorable and holds the data.
    const drop = new Client({ connectionString: String(credentials.uri) });
    await drop.connect();
    await drop.query('DROP TABLE marks');
    await drop.end();
    const restore = await tb.backupManager.post(`/instances/${id}/backups/${ids.at(-1)}/restore`);
    assert.equal(restore.status, 202, JSON.stringify(restore.body));
    const restored = await waitForJob(
      tb.backupManager,
      `/instances/${id}/restores/${String((restore.body as { id: number }).id)}`,
    );
    assert.equal(restored.status, 'done', JSON.stringify(restored));
    const check = new Client({ connectionString: String(credentials.uri) });
    await check.connect();
    try {
      const { rows } = await check.query<{ n: string }>('SELECT count(*) AS n FROM marks');
      assert.equal(rows[0]?.n, '2000');
    } finally {
      await check.end();
    }
  });

  it('fails a MariaDB deprovision blocked by an open transaction, and a retry succeeds', async () => {
    const id = tb.newInstanceId();
    const { database } = instanceResourceNames(id);
    await provisionInstance(tb.osb, id, mariaService, mariaPlan);
    const schemaExists = async () => {
      const admin = await createConnection(mariadbAdminUrl);
      try {
        const [rows] = await admin.query<RowDataPacket[]>(
          'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
          [database],
        );
        return rows.length > 0;
      } finally {
        await admin.end();
      }
    };
    // Another admin session reads a table in an open transaction: it holds a metadata lock that
    // DROP DATABASE must wait for (MariaDB's default lock_wait_timeout is a day).
    const holder: Connection = await createConnection(mariadbAdminUrl);
    let firstOperation: string;
    try {
      await holder.query(`CREATE TABLE ${holder.escapeId(database)}.t (n int) ENGINE=InnoDB`);
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT * FROM ${holder.escapeId(database)}.t`);
      firstOperation = await startDeprovision(tb.osb, id, mariaService, mariaPlan);
      const failed = await waitFor(
        'the blocked deprovision to end',
        () => tb.osb.get(`/v2/service_instances/${id}/last_operation?operation=${firstOperation}`),
        (r) => lastOperationState(r) !== 'in progress',
        boundMs,
      );
      assert.equal(lastOperationState(failed), 'failed', JSON.stringify(failed.body));
      assert.match(
        description(failed),
        new RegExp(
          `timed out: MariaDB waited 1s for a lock on database ${database} .*a new deprovision request`,
        ),
      );
      assert.ok(await schemaExists());
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    const secondOperation = await startDeprovision(tb.osb, id, mariaService, mariaPlan);
    assert.notEqual(secondOperation, firstOperation);
    assert.equal(lastOperationState(await waitForOperation(tb.osb, id, secondOperation)), 'gone');
    assert.equal(await schemaExists(), false);
  });
});

describe('the broker with a statement timeout (1s), no lock timeout and a job deadline (2s)', () => {
  let tb: BrokerTestbed;
  before(async () => {
    tb = await BrokerTestbed.start({
      provisionDelayMs: 50,
      databaseTimeouts: { statementMs: 1000, lockMs: 0 },
      jobTimeoutMs: 2000,
    });
  });
  after(async () => {
    await tb?.cleanup();
  });

  it('fails a deprovision whose statement waits longer than the statement timeout', async () => {
    const id = tb.newInstanceId();
    const { database } = instanceResourceNames(id);
    await provisionInstance(tb.osb, id, pgService, pgPlan);
    const lock = await holdPostgresLock(
      `COMMENT ON DATABASE ${escapeIdentifier(database)} IS 'held by a test'`,
    );
    try {
      const operation = await startDeprovision(tb.osb, id, pgService, pgPlan);
      const failed = await waitFor(
        'the slow deprovision to end',
        () => tb.osb.get(`/v2/service_instances/${id}/last_operation?operation=${operation}`),
        (r) => lastOperationState(r) !== 'in progress',
        boundMs,
      );
      assert.equal(lastOperationState(failed), 'failed', JSON.stringify(failed.body));
      assert.match(
        description(failed),
        new RegExp(
          `timed out: a PostgreSQL statement on database ${database} ran longer than 1s and was cancelled\\. Retry the request;`,
        ),
      );
    } finally {
      await lock.release();
    }
    const operation = await startDeprovision(tb.osb, id, pgService, pgPlan);
    assert.equal(lastOperationState(await waitForOperation(tb.osb, id, operation)), 'gone');
  });

  it('kills a backup that passes the job deadline and reports it', async () => {
    const id = tb.newInstanceId();
    const { database } = instanceResourceNames(id);
    await provisionInstance(tb.osb, id, pgService, pgPlan);
    const credentials = await bindCredentials(tb.osb, id, pgService, pgPlan);
    const app = new Client({ connectionString: String(credentials.uri) });
    await app.connect();
    try {
      await app.query('CREATE TABLE items (n int)');
      await app.query('BEGIN');
      await app.query('LOCK TABLE items IN ACCESS EXCLUSIVE MODE');
      // Without a lock timeout, pg_dump would wait for the lock for as long as the session lives.
      const created = await tb.backupManager.post(`/instances/${id}/backups`);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const path = `/instances/${id}/backups/${String((created.body as { id: number }).id)}`;
      const final = await waitFor(
        'the stuck backup to end',
        () => tb.backupManager.get(path),
        (r) => !['queued', 'running'].includes(String((r.body as { status?: unknown }).status)),
        boundMs,
      );
      const job = final.body as { status: string; message: string };
      assert.equal(job.status, 'failed', JSON.stringify(job));
      assert.equal(
        job.message,
        'backup failed: it did not finish within 2s (--job-timeout-ms) and was stopped; nothing was kept from it. ' +
          'Start a new one when the database is less busy.',
      );
      // The dump was really killed: its session no longer waits on the server.
      await waitFor(
        'the killed pg_dump session to disappear',
        async () => {
          const admin = new Client({ connectionString: postgresAdminUrl });
          await admin.connect();
          try {
            return (
              await admin.query(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'klutch-broker'",
                [database],
              )
            ).rowCount;
          } finally {
            await admin.end();
          }
        },
        (n) => n === 0,
        10_000,
      );
      assert.equal(
        existsSync(`${tb.options.backupDir}/${id}/${String((created.body as { id: number }).id)}.bin`),
        false,
      );
    } finally {
      await app.query('ROLLBACK').catch(() => undefined);
      await app.end();
    }
  });
});

describe('the broker with at most 2 pending operations', () => {
  let tb: BrokerTestbed;
  before(async () => {
    // A long start delay keeps accepted operations pending while the test floods the broker.
    tb = await BrokerTestbed.start({ provisionDelayMs: 3000, maxPendingOperations: 2 });
  });
  after(async () => {
    await tb?.cleanup();
  });

  it('answers provisions beyond the bound with 429 and Retry-After and creates nothing for them', async () => {
    const ids = [tb.newInstanceId(), tb.newInstanceId(), tb.newInstanceId(), tb.newInstanceId()];
    const body = { ...catalogIds(pgService, pgPlan), organization_guid: 'o', space_guid: 's' };
    const answers = await Promise.all(
      ids.map((id) => tb.osb.put(`/v2/service_instances/${id}?accepts_incomplete=true`, body)),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [202, 202, 429, 429], JSON.stringify(answers.map((a) => a.body)));
    const refusedIds = ids.filter((_, i) => answers[i]?.status === 429);
    for (const [i, answer] of answers.entries()) {
      if (answer.status !== 429) continue;
      assert.equal(answer.headers.get('retry-after'), '10');
      assert.equal((answer.body as { error: string }).error, 'TooManyRequests');
      assert.match(
        description(answer),
        /2 operations in progress \(at most 2\); the provision was not started/,
      );
      assert.equal((await tb.osb.get(`/instances/${ids[i]}`)).status, 404, 'nothing recorded');
      assert.equal(await pgDatabaseExists(instanceResourceNames(ids[i] ?? '').database), false);
    }
    // The provider's client: retryable, and no orphan mitigation (nothing was created).
    const osb = new OsbClient({
      url: tb.broker.osbUrl,
      auth: { username: tb.options.username, password: tb.options.password },
    });
    try {
      const refusedId = refusedIds[0] ?? '';
      await assert.rejects(
        osb.provision(refusedId, {
          serviceId: body.service_id,
          planId: body.plan_id,
          organizationGuid: 'o',
          spaceGuid: 's',
        }),
        (err) => {
          assert.ok(err instanceof OsbError, String(err));
          assert.equal(err.status, 429);
          assert.equal(err.retryable, true);
          assert.equal(orphanMitigationFor('provision', err), 'none');
          return true;
        },
      );
    } finally {
      await osb.close();
    }
    // A repeat of an accepted request is an answer about existing work, not new work.
    const acceptedIndex = answers.findIndex((a) => a.status === 202);
    const repeat = await tb.osb.put(
      `/v2/service_instances/${ids[acceptedIndex]}?accepts_incomplete=true`,
      body,
    );
    assert.equal(repeat.status, 202);

    for (const [i, answer] of answers.entries()) {
      if (answer.status !== 202) continue;
      const operation = String((answer.body as { operation: string }).operation);
      assert.equal(lastOperationState(await waitForOperation(tb.osb, ids[i] ?? '', operation)), 'succeeded');
    }
    // Room again: the refused provisions go through when the platform retries.
    for (const id of refusedIds) await provisionInstance(tb.osb, id, pgService, pgPlan);
  });
});
