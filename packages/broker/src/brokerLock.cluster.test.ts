import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { instanceResourceNames } from './engines/resourceNames.js';
import {
  BrokerTestbed,
  catalogIds,
  deprovisionInstance,
  postgresAdminUrl,
  provisionInstance,
} from './testing/brokerTestbed.js';
import { waitFor } from './testing/testHttpClient.js';

const service = 'a9s-postgresql15';
const plan = 'postgresql-single-nano';
const lockSql = "hashtext('klutch-broker instance')";

describe('the broker lock on its state database', () => {
  let tb: BrokerTestbed;
  const clients: Client[] = [];
  before(async () => {
    tb = await BrokerTestbed.start({ provisionDelayMs: 50 });
  });
  after(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await tb?.cleanup();
  });

  async function connect(url: string): Promise<Client> {
    const c = new Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  }

  it('refuses new work while another broker holds the lock it lost, and resumes once it has it again', async () => {
    const stateUrl = tb.options.stateDatabaseUrl ?? '';
    const stateDb = new URL(stateUrl).pathname.slice(1);
    const admin = await connect(postgresAdminUrl);
    const rival = await connect(stateUrl);
    const holders = await admin.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND a.datname = $1`,
      [stateDb],
    );
    assert.equal(holders.rows.length, 1, 'the broker holds one advisory lock on its state database');
    // A database restart or an operator ends the session; a second broker grabs the lock first.
    await admin.query('SELECT pg_terminate_backend($1)', [holders.rows[0]?.pid]);
    await rival.query(`SELECT pg_advisory_lock(${lockSql})`);

    // First the loss itself, then, once the broker tried again, who holds the lock.
    await waitFor(
      'the broker to report that another broker holds its lock',
      () => tb.osb.get('/healthz'),
      (r) =>
        r.status === 503 &&
        /another broker holds the lock on the state database/.test(JSON.stringify(r.body)),
    );
    const id = tb.newInstanceId();
    const refused = await tb.osb.put(`/v2/service_instances/${id}?accepts_incomplete=true`, {
      ...catalogIds(service, plan),
      organization_guid: 'org',
      space_guid: 'space',
    });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    assert.match(
      String((refused.body as { description?: string }).description),
      /lock on the state database/,
    );
    const rows = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      instanceResourceNames(id).database,
    ]);
    assert.equal(rows.rowCount, 0, 'nothing was created for the refused request');
    // Reads still work.
    assert.equal((await tb.osb.get('/v2/catalog')).status, 200);

    // The rival goes away: the broker takes the lock again by itself and accepts work.
    await rival.query(`SELECT pg_advisory_unlock(${lockSql})`);
    await waitFor(
      'the broker to hold its lock again',
      () => tb.osb.get('/healthz'),
      (r) => r.status === 200,
    );
    await provisionInstance(tb.osb, id, service, plan);
    await deprovisionInstance(tb.osb, id, service, plan);
  });
});
