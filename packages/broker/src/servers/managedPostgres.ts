import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '@klutch/kube';
import { Client } from 'pg';
import { runAsServerAccount, serverAccountFor } from './serverAccount.js';
import {
  assertReachableBy,
  findExecutable,
  loadServerSecrets,
  serverOwnedDirectory,
  writeServerOwnedFile,
} from './serverFiles.js';
import { SupervisedServer } from './supervisedServer.js';

export interface ManagedServer {
  /** A superuser connection, password included. */
  adminUrl: string;
  /** The supervised process (for health and tests). */
  server: SupervisedServer;
  stop(): Promise<void>;
}

export interface ManagedPostgresOptions {
  /** The managed-servers directory; this server lives in `<dir>/postgresql/`. */
  dir: string;
  /** Where initdb and postgres are; found with pg_config or under /usr/lib/postgresql otherwise. */
  binDir?: string;
  logger: Logger;
}

const adminUser = 'postgres';

/**
 * Password authentication only: every connection, from every address and the Unix socket, must
 * prove its password. No `trust`, and no replication connections at all.
 */
export const managedPostgresHba = [
  '# Written by klutch-broker at every start; changes are overwritten.',
  'local all all scram-sha-256',
  'host all all 127.0.0.1/32 scram-sha-256',
  '',
].join('\n');

/**
 * The broker's own PostgreSQL server: created with initdb on first start (data under `dir`),
 * started on a loopback port, hardened, supervised, and resumed with its data on every later start.
 */
export async function startManagedPostgres(options: ManagedPostgresOptions): Promise<ManagedServer> {
  const binDir = options.binDir ?? (await findPostgresBinDir());
  const initdb = await findExecutable('initdb', [binDir]);
  const postgres = await findExecutable('postgres', [binDir]);
  if (!initdb || !postgres) {
    throw new Error(
      `initdb and postgres were not found in ${binDir}; install the PostgreSQL server package or give --postgres-bin-dir`,
    );
  }
  const account = await serverAccountFor('postgres');
  if (account) await assertReachableBy(options.dir, account);
  const secrets = await loadServerSecrets(join(options.dir, 'postgresql.json'));
  const serverDir = join(options.dir, 'postgresql');
  const dataDir = join(serverDir, 'data');
  const socketDir = join(serverDir, 'socket');
  await serverOwnedDirectory(serverDir, account);
  await serverOwnedDirectory(socketDir, account);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    // Initialised aside and renamed, so a broker killed during initdb leaves no half-made data directory.
    const pending = join(serverDir, 'data.initdb');
    const passwordFile = join(serverDir, 'initdb.password');
    await rm(pending, { recursive: true, force: true });
    await writeServerOwnedFile(passwordFile, `${secrets.adminPassword}\n`, account);
    try {
      await runAsServerAccount(account, initdb, [
        `--pgdata=${pending}`,
        `--username=${adminUser}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      ]);
    } finally {
      await rm(passwordFile, { force: true });
    }
    await rename(pending, dataDir);
    options.logger.info({ dataDir }, 'initialised the managed PostgreSQL server');
  }
  await writeServerOwnedFile(join(dataDir, 'pg_hba.conf'), managedPostgresHba, account);
  const adminUrl = `postgres://${adminUser}:${encodeURIComponent(secrets.adminPassword)}@127.0.0.1:${secrets.port}/postgres`;
  const server = await SupervisedServer.start({
    name: 'PostgreSQL',
    command: postgres,
    args: [
      '-D',
      dataDir,
      '-p',
      String(secrets.port),
      '-k',
      socketDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_permissions=0700',
      '-c',
      'password_encryption=scram-sha-256',
    ],
    account,
    stopSignal: 'SIGINT',
    pidFile: join(dataDir, 'postmaster.pid'),
    dataDir,
    isReady: () => answers(adminUrl),
    onReady: () => hardenPostgres(adminUrl),
    logger: options.logger,
  });
  return { adminUrl, server, stop: () => server.stop() };
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Nobody but the admin may connect to the maintenance databases: every role the broker creates
 * gets CONNECT on its own instance database only (and the state database revokes PUBLIC itself).
 */
async function hardenPostgres(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('REVOKE ALL ON DATABASE postgres FROM PUBLIC');
    await client.query('REVOKE ALL ON DATABASE template1 FROM PUBLIC');
  } finally {
    await client.end();
  }
}

const execFileAsync = promisify(execFile);

/** pg_config's answer, else the newest /usr/lib/postgresql/<version>/bin. */
export async function findPostgresBinDir(): Promise<string> {
  try {
    const { stdout } = await execFileAsync('pg_config', ['--bindir']);
    const dir = stdout.trim();
    if (await findExecutable('initdb', [dir])) return dir;
  } catch {
    // No pg_config on PATH.
  }
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  const newest = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const version of newest) {
    const dir = join('/usr/lib/postgresql', version, 'bin');
    if (await findExecutable('initdb', [dir])) return dir;
  }
  throw new Error(
    'no PostgreSQL server binaries (initdb, postgres) found via pg_config or in /usr/lib/postgresql/*/bin; ' +
      'install the PostgreSQL server package or give --postgres-bin-dir',
  );
}
