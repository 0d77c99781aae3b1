import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Client } from 'pg';
import { instanceResourceNames } from './engines/resourceNames.js';
import { BrokerTestbed, catalogIds, provisionInstance } from './testing/brokerTestbed.js';
import { findRepositoryRoot } from './testing/osbOpenApi.js';
import { TestHttpClient, waitFor } from './testing/testHttpClient.js';

const service = 'a9s-postgresql15';
const plan = 'postgresql-single-small';

async function query(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function postmasterPid(dir: string): Promise<number> {
  const text = await readFile(join(dir, 'postgresql', 'data', 'postmaster.pid'), 'utf8');
  return Number(text.split('\n')[0]);
}

describe('the broker-managed database servers', () => {
  it('restart after a crash, with their data and on the same port', async () => {
    const tb = await BrokerTestbed.startManaged({ managedMariadb: false });
    try {
      const id = tb.newInstanceId();
      await provisionInstance(tb.osb, id, service, plan);
      const bind = await tb.osb.put(
        `/v2/service_instances/${id}/service_bindings/b-${id}`,
        catalogIds(service, plan),
      );
      const uri = String((bind.body as { credentials: { uri: string } }).credentials.uri);
      await query(uri, "CREATE TABLE kept AS SELECT 'before the crash' AS note");
      const server = tb.broker.managedServers?.postgres.server;
      const pid = server?.pid;
      assert.ok(pid, 'the managed PostgreSQL server runs');
      process.kill(pid, 'SIGKILL');
      // The broker notices: health says what is wrong until the server is back.
      const unhealthy = await waitFor(
        'the broker to report the dead server',
        () => tb.osb.get('/healthz'),
        (r) => r.status === 503,
        30_000,
      );
      assert.match(JSON.stringify(unhealthy.body), /managed PostgreSQL server is not running/);
      const rows = await waitFor(
        'the restarted server to answer the binding',
        () => query(uri, 'SELECT note FROM kept').catch(() => undefined),
        (r) => r !== undefined,
        120_000,
      );
      assert.deepEqual(rows, [{ note: 'before the crash' }]);
      // The crash also ended the session holding the broker's state-database lock; the broker
      // takes it again by itself and is healthy once it holds it.
      await waitFor(
        'the broker to be healthy again',
        () => tb.osb.get('/healthz'),
        (r) => r.status === 200,
        30_000,
      );
      assert.notEqual(server?.pid, pid);
    } finally {
      await tb.cleanup();
    }
  });

  it('stop when the broker program is killed, and resume with their data on its next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'klutch-broker-servers-'));
    const backupDir = await mkdtemp(join(tmpdir(), 'klutch-broker-main-'));
    const password = randomBytes(12).toString('hex');
    const children: ChildProcess[] = [];
    const startProgram = async (): Promise<{ child: ChildProcess; osb: TestHttpClient }> => {
      const child = spawn(
        process.execPath,
        [
          '--conditions=source',
          '--import',
          'tsx',
          'packages/broker/src/main.ts',
          '--managed-servers-dir',
          dir,
          '--managed-mariadb=false',
          '--managed-rabbitmq=false',
          '--backup-dir',
          backupDir,
          '--provision-delay-ms',
          '50',
        ],
        {
          cwd: findRepositoryRoot(import.meta.dirname),
          env: {
            ...process.env,
            KLUTCH_BROKER_USERNAME: 'broker',
            KLUTCH_BROKER_PASSWORD: password,
            LOG_LEVEL: 'info',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      let output = '';
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const osbUrl = await waitFor(
        'the broker to start',
        () =>
          Promise.resolve(
            /"osbUrl":"([^"]+)"/.exec(output)?.[1] ?? (child.exitCode === null ? '' : 'exited'),
          ),
        (url) => url !== '',
        180_000,
      );
      assert.notEqual(osbUrl, 'exited', output);
      return {
        child,
        osb: new TestHttpClient(osbUrl, { username: 'broker', password }, { 'x-broker-api-version': '2.17' }),
      };
    };
    try {
      const first = await startProgram();
      const id = `test-${randomBytes(8).toString('hex')}`;
      await provisionInstance(first.osb, id, service, plan);
      const pid = await postmasterPid(dir);
      assert.ok(alive(pid));
      // The admin password is the broker's secret, not the server account's.
      assert.equal((await stat(join(dir, 'postgresql.json'))).mode & 0o777, 0o600);

      first.child.kill('SIGKILL');
      await waitFor(
        'the orphaned PostgreSQL server to shut down',
        () => Promise.resolve(alive(pid)),
        (running) => !running,
        60_000,
      );

      const second = await startProgram();
      const instance = await second.osb.get(`/v2/service_instances/${id}`);
      assert.equal(instance.status, 200, JSON.stringify(instance.body));
      const { port, adminPassword } = JSON.parse(await readFile(join(dir, 'postgresql.json'), 'utf8')) as {
        port: number;
        adminPassword: string;
      };
      const rows = await query(
        `postgres://postgres:${encodeURIComponent(adminPassword)}@127.0.0.1:${port}/postgres`,
        `SELECT datname FROM pg_database WHERE datname = '${instanceResourceNames(id).database}'`,
      );
      assert.equal(rows.length, 1);
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
      // A clean stop: PostgreSQL removes its pid file only after a complete shutdown.
      await assert.rejects(postmasterPid(dir), { code: 'ENOENT' });
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await waitFor(
        'the servers of the test to stop',
        async () => !alive(await postmasterPid(dir).catch(() => 1)),
        (stopped) => stopped,
        60_000,
      ).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      await rm(backupDir, { recursive: true, force: true });
    }
  });
});
