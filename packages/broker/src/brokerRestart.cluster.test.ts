import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { instanceResourceNames } from './engines/resourceNames.js';
import { startBroker } from './startBroker.js';
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
import { waitFor } from './testing/testHttpClient.js';

const service = 'a9s-postgresql17';
const plan = 'postgresql-replica-small-ssl';

async function databaseExists(database: string): Promise<boolean> {
  const client = new Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return (
      ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount ?? 0) > 0
    );
  } finally {
    await client.end();
  }
}

describe('broker restarts', () => {
  let tb: BrokerTestbed;
  before(async () => {
    tb = await BrokerTestbed.start({ provisionDelayMs: 50 });
  });
  after(async () => {
    await tb?.cleanup();
  });

  it('finishes an operation interrupted by a stop, and keeps instances, bindings and backups', async () => {
    const kept = tb.newInstanceId();
    await provisionInstance(tb.osb, kept, service, plan, { work_mem: '2MB' });
    const bindingPath = `/v2/service_instances/${kept}/service_bindings/kept-binding`;
    const bound = await tb.osb.put(bindingPath, catalogIds(service, plan));
    const credentials = (bound.body as { credentials: unknown }).credentials;
    const backup = await tb.backupManager.post(`/instances/${kept}/backups`);
    const backupId = (backup.body as { id: number }).id;
    assert.equal(
      (await waitForJob(tb.backupManager, `/instances/${kept}/backups/${backupId}`)).status,
      'done',
    );

    // A long delay: the provision is accepted but has not started when the broker stops.
    await tb.restart({ provisionDelayMs: 60_000 });
    const interrupted = tb.newInstanceId();
    const put = await tb.osb.put(
      `/v2/service_instances/${interrupted}?accepts_incomplete=true`,
      catalogIds(service, plan),
    );
    assert.equal(put.status, 202);
    const operation = (put.body as { operation: string }).operation;
    await tb.broker.stop();
    assert.equal(await databaseExists(instanceResourceNames(interrupted).database), false);

    await tb.startBroker({ provisionDelayMs: 50 });
    const done = await waitForOperation(tb.osb, interrupted, operation);
    assert.equal(lastOperationState(done), 'succeeded', JSON.stringify(done.body));
    assert.equal(await databaseExists(instanceResourceNames(interrupted).database), true);

    const fetched = await tb.osb.get(bindingPath);
    assert.equal(fetched.status, 200);
    assert.deepEqual((fetched.body as { credentials: unknown }).credentials, credentials);
    const instance = await tb.osb.get(`/v2/service_instances/${kept}`);
    assert.deepEqual((instance.body as { parameters: unknown }).parameters, { work_mem: '2MB' });
    const backups = await tb.backupManager.get(`/instances/${kept}/backups`);
    assert.deepEqual(
      (backups.body as Array<{ id: number; status: string }>).map((b) => [b.id, b.status]),
      [[backupId, 'done']],
    );
    // The backup taken before the restart is still restorable: its key survived in the state.
    const restore = await tb.backupManager.post(`/instances/${kept}/backups/${backupId}/restore`);
    assert.equal(
      (
        await waitForJob(
          tb.backupManager,
          `/instances/${kept}/restores/${(restore.body as { id: number }).id}`,
        )
      ).status,
      'done',
    );

    await deprovisionInstance(tb.osb, kept, service, plan);
    await deprovisionInstance(tb.osb, interrupted, service, plan);
  });

  it('runs a backup again that a stop interrupted', async () => {
    const id = tb.newInstanceId();
    await provisionInstance(tb.osb, id, service, plan);
    const bound = await tb.osb.put(
      `/v2/service_instances/${id}/service_bindings/b-${id}`,
      catalogIds(service, plan),
    );
    const uri = String((bound.body as { credentials: { uri: string } }).credentials.uri);
    const app = new Client({ connectionString: uri });
    await app.connect();
    await app.query('CREATE TABLE busy (v int)');
    // pg_dump waits for this lock, so the backup is certainly running when the broker stops.
    await app.query('BEGIN');
    await app.query('LOCK TABLE busy IN ACCESS EXCLUSIVE MODE');
    let backupId = 0;
    try {
      const created = await tb.backupManager.post(`/instances/${id}/backups`);
      backupId = (created.body as { id: number }).id;
      await waitFor(
        'the backup to start',
        () => tb.backupManager.get(`/instances/${id}/backups/${backupId}`),
        (r) => (r.body as { status: string }).status !== 'queued',
      );
      const running = await tb.backupManager.get(`/instances/${id}/backups/${backupId}`);
      assert.equal((running.body as { status: string }).status, 'running');
      // Give pg_dump time to reach the lock.
      await new Promise((r) => setTimeout(r, 300));
      await tb.broker.stop();
    } finally {
      await app.query('ROLLBACK').catch(() => undefined);
      await app.end().catch(() => undefined);
    }
    const state = new Client({ connectionString: tb.options.stateDatabaseUrl });
    await state.connect();
    const row = await state.query<{ status: string }>('SELECT status FROM backups WHERE id = $1', [backupId]);
    await state.end();
    assert.equal(row.rows[0]?.status, 'running', 'the interrupted backup keeps its row');
    await tb.startBroker();
    const done = await waitForJob(tb.backupManager, `/instances/${id}/backups/${backupId}`);
    assert.equal(done.status, 'done', JSON.stringify(done));
    await deprovisionInstance(tb.osb, id, service, plan);
  });

  it('refuses a second broker on the same state database and a wrong state key', async () => {
    await assert.rejects(
      startBroker({ ...tb.options, stateEncryptionKey: undefined }),
      /another broker is already using the state database/,
    );
    await tb.broker.stop();
    await assert.rejects(
      startBroker({ ...tb.options, stateEncryptionKey: randomBytes(32).toString('base64') }),
      /state encryption key differs from the key this state database was written with/,
    );
    await tb.startBroker();
  });

  it('refuses to start without credentials', async () => {
    await assert.rejects(startBroker({ ...tb.options, password: '' }), /requires basic-auth credentials/);
  });
});
