import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@klutch/kube';
import { Redis } from 'ioredis';
import { sha256 } from '../engines/redisAcl.js';
import type { ManagedServer } from './managedPostgres.js';
import {
  assertReachableBy,
  findExecutable,
  loadServerSecrets,
  searchPath,
  serverOwnedDirectory,
  writeServerOwnedFile,
} from './serverFiles.js';
import { serverAccountFor } from './serverAccount.js';
import { SupervisedServer } from './supervisedServer.js';

export interface ManagedRedisOptions {
  /** The managed-servers directory; this server lives in `<dir>/redis/`. */
  dir: string;
  logger: Logger;
}

export const redisAdminUser = 'klutch_admin';

/** The server's configuration; its path is part of the process title, which is how a left-over server is recognised. */
export function redisConfig(options: { port: number; serverDir: string }): string {
  const { port, serverDir } = options;
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    'unixsocket ""',
    'daemonize no',
    `dir ${join(serverDir, 'data')}`,
    `pidfile ${join(serverDir, 'redis.pid')}`,
    `aclfile ${join(serverDir, 'users.acl')}`,
    // Every write is in the append-only file within a second; snapshots keep restarts fast.
    'appendonly yes',
    'appendfsync everysec',
    'save 300 1 60 1000',
    // Off already in Redis 7; stated so that a changed default cannot open them.
    'enable-debug-command no',
    'enable-module-command no',
    'enable-protected-configs no',
    // A RESTORE payload is checked in full before it is loaded (the broker restores tenants' backups).
    'sanitize-dump-payload yes',
    'proc-title-template "{title} {listen-addr} {config-file}"',
    '',
  ].join('\n');
}

/**
 * The ACL file at every start: `default` (the user of a connection without AUTH) off and without
 * rights, the broker's admin with the stored password's hash, and the binding users the server
 * saved (ACL SAVE) unchanged.
 */
export function redisAclFile(existing: string, adminPassword: string): string {
  const kept = existing
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^user (default|klutch_admin) /.test(line));
  return [
    'user default off resetpass resetkeys resetchannels -@all',
    `user ${redisAdminUser} on #${sha256(adminPassword)} ~* &* +@all`,
    ...kept,
    '',
  ].join('\n');
}

/**
 * The broker's own Redis server: started from the installed redis-server on a loopback port, with
 * an ACL file in which `default` is disabled, its data (append-only file and snapshots) and users
 * under `<dir>/redis/`, supervised, and resumed with both on every later start.
 */
export async function startManagedRedis(options: ManagedRedisOptions): Promise<ManagedServer> {
  const redisServer = await findExecutable('redis-server', searchPath());
  if (!redisServer) throw new Error('redis-server is not installed (package redis-server)');
  const account = await serverAccountFor('redis');
  if (account) await assertReachableBy(options.dir, account);
  const secrets = await loadServerSecrets(join(options.dir, 'redis.json'));
  const serverDir = join(options.dir, 'redis');
  const dataDir = join(serverDir, 'data');
  const configFile = join(serverDir, 'redis.conf');
  const aclFile = join(serverDir, 'users.acl');
  await serverOwnedDirectory(serverDir, account);
  await serverOwnedDirectory(dataDir, account);
  const adminUrl = `redis://${redisAdminUser}:${encodeURIComponent(secrets.adminPassword)}@127.0.0.1:${secrets.port}`;
  const server = await SupervisedServer.start({
    name: 'Redis',
    command: redisServer,
    args: [configFile],
    account,
    stopSignal: 'SIGTERM',
    pidFile: join(serverDir, 'redis.pid'),
    // Redis rewrites its command line into the process title, which names the configuration file.
    dataDir: configFile,
    isReady: () => answers(secrets.port, secrets.adminPassword),
    beforeLaunch: async () => {
      const existing = await readFile(aclFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '';
        throw err;
      });
      await writeServerOwnedFile(aclFile, redisAclFile(existing, secrets.adminPassword), account);
      await writeServerOwnedFile(configFile, redisConfig({ port: secrets.port, serverDir }), account);
    },
    logger: options.logger,
  });
  return { adminUrl, server, stop: () => server.stop() };
}

async function answers(port: number, password: string): Promise<boolean> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    username: redisAdminUser,
    password,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}
