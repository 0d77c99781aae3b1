import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client, escapeIdentifier } from 'pg';
import { postgresAdminUrl } from './testing/brokerTestbed.js';
import { findRepositoryRoot } from './testing/osbOpenApi.js';
import { TestHttpClient } from './testing/testHttpClient.js';

const root = findRepositoryRoot(import.meta.dirname);

function runMain(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/broker/src/main.ts', ...args],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function collect(child: ChildProcess): {
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return {
    stdout: () => out,
    stderr: () => err,
    exit: new Promise((r) => child.once('exit', (code) => r(code))),
  };
}

describe('the broker program', () => {
  const suffix = randomBytes(6).toString('hex');
  const stateDatabase = `klutch_broker_test_${suffix}`;
  let backupDir = '';
  const children: ChildProcess[] = [];
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    const admin = new Client({ connectionString: postgresAdminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(stateDatabase)} WITH (FORCE)`);
    await admin.end();
    if (backupDir) await rm(backupDir, { recursive: true, force: true });
  });

  it('refuses to start without credentials and says how to give them', async () => {
    const child = runMain([], { KLUTCH_BROKER_USERNAME: '', KLUTCH_BROKER_PASSWORD: '' });
    children.push(child);
    const output = collect(child);
    assert.equal(await output.exit, 2);
    assert.match(output.stderr(), /requires basic-auth credentials: set --username and --password/);
  });

  it('rejects unknown flags with the usage', async () => {
    const child = runMain(['--listen-port', '80'], {});
    children.push(child);
    const output = collect(child);
    assert.equal(await output.exit, 2);
    assert.match(output.stderr(), /Unknown option '--listen-port'[\s\S]*KLUTCH_BROKER_LISTEN/);
  });

  it('serves both APIs with flags and environment variables, and stops on SIGTERM', async () => {
    backupDir = await mkdtemp(join(tmpdir(), 'klutch-broker-main-'));
    const child = runMain(
      [
        '--state-database-url',
        `postgres://postgres@127.0.0.1:5432/${stateDatabase}`,
        '--backup-dir',
        backupDir,
        '--mariadb-admin-url',
        'mysql://root@127.0.0.1:1',
        '--username',
        'admin',
      ],
      { KLUTCH_BROKER_PASSWORD: 'from-env' },
    );
    children.push(child);
    const output = collect(child);
    const deadline = Date.now() + 30_000;
    let started: { osbUrl?: string; backupManagerUrl?: string; services?: string[] } | undefined;
    while (!started && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
      started = output
        .stdout()
        .split('\n')
        .filter((l) => l.includes('"broker started"'))
        .map((l) => JSON.parse(l) as typeof started)[0];
    }
    assert.ok(started?.osbUrl, `no start line; stderr: ${output.stderr()} stdout: ${output.stdout()}`);
    assert.ok(!output.stdout().includes('from-env'), 'the password is never logged');
    assert.match(output.stdout(), /MariaDB services are not offered/);
    assert.deepEqual(started.services, ['a9s-postgresql13', 'a9s-postgresql15', 'a9s-postgresql17']);
    const osb = new TestHttpClient(
      started.osbUrl,
      { username: 'admin', password: 'from-env' },
      { 'x-broker-api-version': '2.17' },
    );
    assert.equal((await osb.get('/v2/catalog')).status, 200);
    assert.equal((await osb.withAuth(undefined).get('/healthz')).status, 200);
    const backupManager = new TestHttpClient(String(started.backupManagerUrl), {
      username: 'admin',
      password: 'from-env',
    });
    assert.equal((await backupManager.get('/v2/healthy')).status, 200);
    child.kill('SIGTERM');
    assert.equal(await output.exit, 0);
  });
});
