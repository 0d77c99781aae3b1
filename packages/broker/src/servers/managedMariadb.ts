import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@klutch/kube';
import { createConnection } from 'mysql2/promise';
import type { ManagedServer } from './managedPostgres.js';
import { runAsServerAccount, serverAccountFor } from './serverAccount.js';
import {
  assertReachableBy,
  findExecutable,
  loadServerSecrets,
  searchPath,
  serverOwnedDirectory,
  writeServerOwnedFile,
} from './serverFiles.js';
import { SupervisedServer } from './supervisedServer.js';

export interface ManagedMariadbOptions {
  /** The managed-servers directory; this server lives in `<dir>/mariadb/`. */
  dir: string;
  logger: Logger;
}

const adminUser = 'klutch_admin';

/** MariaDB literals: the password is random base64url, but quote it properly anyway. */
function quoted(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
 * Run by the server at every start (`--init-file`): the broker's admin account exists, has the
 * stored password and may connect only from the loopback address. `root` stays as
 * mariadb-install-db made it: reachable only through the Unix socket in the server's own
 * directory (mode 0700), by the operating-system root.
 */
export function mariadbInitStatements(adminPassword: string): string {
  const account = `'${adminUser}'@'127.0.0.1'`;
  return [
    `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${quoted(adminPassword)};`,
    `ALTER USER ${account} IDENTIFIED BY ${quoted(adminPassword)};`,
    `GRANT ALL PRIVILEGES ON *.* TO ${account} WITH GRANT OPTION;`,
    '',
  ].join('\n');
}

/**
 * The broker's own MariaDB server: created with mariadb-install-db on first start, started on a
 * loopback port with its own socket, an admin password generated and kept like the other broker
 * secrets, supervised, and resumed with its data on every later start.
 */
export async function startManagedMariadb(options: ManagedMariadbOptions): Promise<ManagedServer> {
  const mariadbd = await findExecutable('mariadbd', searchPath());
  const installDb = await findExecutable('mariadb-install-db', searchPath());
  if (!mariadbd || !installDb) {
    throw new Error('mariadbd or mariadb-install-db is not installed (package mariadb-server)');
  }
  const account = await serverAccountFor('mysql');
  if (account) await assertReachableBy(options.dir, account);
  const secrets = await loadServerSecrets(join(options.dir, 'mariadb.json'));
  const serverDir = join(options.dir, 'mariadb');
  const dataDir = join(serverDir, 'data');
  const filesDir = join(serverDir, 'files');
  await serverOwnedDirectory(serverDir, account);
  await serverOwnedDirectory(filesDir, account);
  if (!existsSync(join(dataDir, 'mysql'))) {
    const pending = join(serverDir, 'data.install');
    await rm(pending, { recursive: true, force: true });
    await runAsServerAccount(account, installDb, [
      '--no-defaults',
      `--datadir=${pending}`,
      '--auth-root-authentication-method=socket',
      '--skip-test-db',
      '--skip-name-resolve',
    ]);
    await rename(pending, dataDir);
    options.logger.info({ dataDir }, 'initialised the managed MariaDB server');
  }
  // The file holds the admin password: it exists only while the server starts.
  const initFile = join(serverDir, 'init.sql');
  const adminUrl = `mysql://${adminUser}:${encodeURIComponent(secrets.adminPassword)}@127.0.0.1:${secrets.port}`;
  let server: SupervisedServer;
  try {
    server = await SupervisedServer.start({
      name: 'MariaDB',
      command: mariadbd,
      args: [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--port=${secrets.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(serverDir, 'mysqld.sock')}`,
        `--pid-file=${join(serverDir, 'mysqld.pid')}`,
        `--init-file=${initFile}`,
        '--skip-name-resolve',
        // It would show every tenant's statements to whoever may read it.
        '--performance-schema=OFF',
        // No account gets FILE, and even then the server reads and writes files only here.
        `--secure-file-priv=${filesDir}`,
        '--innodb-buffer-pool-size=64M',
      ],
      account,
      stopSignal: 'SIGTERM',
      pidFile: join(serverDir, 'mysqld.pid'),
      dataDir,
      isReady: () => answers(secrets.port, secrets.adminPassword),
      beforeLaunch: () =>
        writeServerOwnedFile(initFile, mariadbInitStatements(secrets.adminPassword), account),
      onReady: () => rm(initFile, { force: true }),
      logger: options.logger,
    });
  } catch (err) {
    await rm(initFile, { force: true });
    throw err;
  }
  return { adminUrl, server, stop: () => server.stop() };
}

async function answers(port: number, password: string): Promise<boolean> {
  const connection = await createConnection({
    host: '127.0.0.1',
    port,
    user: adminUser,
    password,
    connectTimeout: 2000,
  });
  try {
    await connection.query('SELECT 1');
    return true;
  } finally {
    await connection.end().catch(() => undefined);
  }
}
