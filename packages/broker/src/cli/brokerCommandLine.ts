import { parseArgs } from 'node:util';
import {
  defaultConnectTimeoutMs,
  defaultJobTimeoutMs,
  defaultLockTimeoutMs,
  defaultMaxPendingOperations,
  defaultMaxQueuedJobs,
  defaultOperationConcurrency,
  defaultPostgresAdminUrl,
  defaultProvisionDelayMs,
  defaultStatementTimeoutMs,
} from '../brokerDefaults.js';
import type { BrokerOptions } from '../brokerOptions.js';

/** Flags of `main.ts`; each also reads from KLUTCH_BROKER_<FLAG IN UPPER SNAKE CASE>. */
const flags = {
  listen: { default: '127.0.0.1:0', help: 'OSB API listen address (host:port)' },
  'backup-manager-listen': { default: '127.0.0.1:0', help: 'backup-manager API listen address (host:port)' },
  'managed-servers-dir': {
    default: '',
    help:
      "run the broker's own PostgreSQL and MariaDB servers (password authentication, loopback only) " +
      'with their data in this directory; the admin URL flags are then not allowed',
  },
  'postgres-bin-dir': {
    default: '',
    help: 'with managed servers: where initdb and postgres are (default pg_config --bindir)',
  },
  'managed-mariadb': {
    default: 'true',
    help: 'with managed servers: also run MariaDB when it is installed (true or false)',
  },
  'managed-rabbitmq': {
    default: 'true',
    help: 'with managed servers: also run a RabbitMQ node (messaging) when rabbitmq-server is installed (true or false)',
  },
  'managed-redis': {
    default: 'true',
    help: 'with managed servers: also run Redis for key-value instances when it is installed (true or false)',
  },
  'state-database-url': {
    default: 'postgres://postgres@127.0.0.1:5432/klutch_broker',
    help:
      'PostgreSQL database for the broker state (created if missing); with managed servers the ' +
      'default is klutch_broker on the managed PostgreSQL server',
  },
  'state-encryption-key': {
    default: '',
    help: '32-byte key (base64 or hex) that encrypts secrets in the state',
  },
  'state-encryption-key-file': {
    default: '',
    help: 'file holding that key, created on first start (default <backup-dir>/.state-encryption.key)',
  },
  'postgres-admin-url': {
    default: defaultPostgresAdminUrl,
    help: 'superuser connection to an external PostgreSQL server, which must require passwords',
  },
  'mariadb-admin-url': {
    default: 'mysql://root@127.0.0.1:3306',
    help: 'admin connection to an external MariaDB server, which must require passwords; empty disables MariaDB',
  },
  'rabbitmq-management-url': {
    default: '',
    help:
      'management API of an external RabbitMQ as an administrator (http://user:password@host:15672), which must ' +
      'enforce authentication (no guest user); empty: messaging is not offered',
  },
  'redis-admin-url': {
    default: '',
    help:
      'admin connection (redis://user:password@host:port) to an external Redis server for key-value ' +
      'instances, which must require authentication; empty disables key-value',
  },
  'backup-dir': { default: '', help: 'directory for encrypted backups (default ~/.klutch/broker/backups)' },
  username: { default: '', help: 'basic-auth user of both APIs (required)' },
  password: {
    default: '',
    help: 'basic-auth password of both APIs (required; prefer the environment variable)',
  },
  'tls-cert': { default: '', help: 'PEM certificate file: serve HTTPS' },
  'tls-key': { default: '', help: 'PEM private key file for --tls-cert' },
  'public-host': { default: '127.0.0.1', help: 'host name written into binding credentials' },
  'provision-delay-ms': {
    default: String(defaultProvisionDelayMs),
    help: 'delay before asynchronous operations start',
  },
  'job-concurrency': { default: '2', help: 'backups and restores that may run at the same time' },
  'max-queued-jobs': {
    default: String(defaultMaxQueuedJobs),
    help: 'backups and restores that may wait to run; more are answered 429 with Retry-After',
  },
  'job-timeout-ms': {
    default: String(defaultJobTimeoutMs),
    help: 'deadline of one backup or restore; the dump or replay is killed and the job fails',
  },
  'operation-concurrency': {
    default: String(defaultOperationConcurrency),
    help: 'asynchronous OSB operations that may run at the same time',
  },
  'max-pending-operations': {
    default: String(defaultMaxPendingOperations),
    help: 'OSB operations accepted and not finished; more are answered 429 with Retry-After',
  },
  'connect-timeout-ms': {
    default: String(defaultConnectTimeoutMs),
    help: 'opening a database connection or waiting for a free one (0: no limit)',
  },
  'statement-timeout-ms': {
    default: String(defaultStatementTimeoutMs),
    help: 'one statement of the broker on a database server (0: no limit)',
  },
  'lock-timeout-ms': {
    default: String(defaultLockTimeoutMs),
    help: 'waiting for a lock another session holds; the operation then fails and can be retried (0: no limit)',
  },
  'log-level': { default: 'info', help: 'trace, debug, info, warn, error or silent' },
} as const;

type FlagName = keyof typeof flags;

export function environmentVariableOf(flag: string): string {
  return `KLUTCH_BROKER_${flag.toUpperCase().replaceAll('-', '_')}`;
}

export function usage(): string {
  const lines = Object.entries(flags).map(
    ([name, f]) =>
      `  --${name.padEnd(27)} ${f.help}${f.default ? ` (default ${f.default})` : ''}\n      env ${environmentVariableOf(name)}`,
  );
  return [
    'Usage: klutch-broker [flags]',
    '',
    'The Klutch sandbox OSB broker and backup manager.',
    '',
    ...lines,
    '  --help',
  ].join('\n');
}

export interface BrokerCommand {
  help: boolean;
  logLevel: string;
  /** Files to read for TLS; main.ts reads them so this stays pure. */
  tlsFiles?: { cert: string; key: string };
  options: Omit<BrokerOptions, 'tls' | 'logger'>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Pure: argv and environment → options; flags win over environment variables. */
export function parseBrokerCommandLine(
  argv: string[],
  env: Record<string, string | undefined>,
  home: string,
): BrokerCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.keys(flags).map((name) => [name, { type: 'string' as const }])),
        help: { type: 'boolean' as const },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage()}`);
  }
  const values = parsed.values as Partial<Record<FlagName, string>> & { help?: boolean };
  const given = (name: FlagName): string | undefined => values[name] ?? env[environmentVariableOf(name)];
  const get = (name: FlagName): string => given(name) ?? flags[name].default;
  const integer = (name: FlagName): number => {
    const text = get(name);
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
      throw new UsageError(`--${name} must be a whole number, got "${text}"`);
    return n;
  };
  const cert = get('tls-cert');
  const key = get('tls-key');
  if ((cert === '') !== (key === '')) throw new UsageError('--tls-cert and --tls-key must be given together');
  const backupDir = get('backup-dir') || `${home}/.klutch/broker/backups`;
  const managedServersDir = get('managed-servers-dir');
  const managedMariadb = get('managed-mariadb');
  const managedRabbitmq = get('managed-rabbitmq');
  const managedRedis = get('managed-redis');
  for (const [flag, value] of [
    ['managed-mariadb', managedMariadb],
    ['managed-rabbitmq', managedRabbitmq],
    ['managed-redis', managedRedis],
  ] as const) {
    if (value !== 'true' && value !== 'false') {
      throw new UsageError(`--${flag} must be true or false, got "${value}"`);
    }
  }
  if (managedServersDir) {
    for (const external of [
      'postgres-admin-url',
      'mariadb-admin-url',
      'rabbitmq-management-url',
      'redis-admin-url',
    ] as const) {
      if (given(external) !== undefined) {
        throw new UsageError(
          `--${external} names an external server, but --managed-servers-dir runs the broker's own; give one of them`,
        );
      }
    }
  }
  const servers: Pick<
    BrokerOptions,
    | 'managedServersDir'
    | 'postgresBinDir'
    | 'managedMariadb'
    | 'managedRabbitmq'
    | 'managedRedis'
    | 'postgresAdminUrl'
    | 'mariadbAdminUrl'
    | 'rabbitmqManagementUrl'
    | 'redisAdminUrl'
  > = managedServersDir
    ? {
        managedServersDir,
        postgresBinDir: get('postgres-bin-dir') || undefined,
        managedMariadb: managedMariadb === 'true',
        managedRabbitmq: managedRabbitmq === 'true',
        managedRedis: managedRedis === 'true',
      }
    : {
        postgresAdminUrl: get('postgres-admin-url'),
        mariadbAdminUrl: get('mariadb-admin-url') || undefined,
        rabbitmqManagementUrl: get('rabbitmq-management-url') || undefined,
        redisAdminUrl: get('redis-admin-url') || undefined,
      };
  return {
    help: values.help === true,
    logLevel: get('log-level'),
    tlsFiles: cert ? { cert, key } : undefined,
    options: {
      listen: get('listen'),
      backupManagerListen: get('backup-manager-listen'),
      stateDatabaseUrl: managedServersDir
        ? given('state-database-url') || undefined
        : get('state-database-url'),
      stateEncryptionKey: get('state-encryption-key') || undefined,
      stateEncryptionKeyFile: get('state-encryption-key-file') || undefined,
      ...servers,
      backupDir,
      username: get('username'),
      password: get('password'),
      publicHost: get('public-host'),
      provisionDelayMs: integer('provision-delay-ms'),
      jobConcurrency: integer('job-concurrency'),
      maxQueuedJobs: integer('max-queued-jobs'),
      jobTimeoutMs: integer('job-timeout-ms'),
      operationConcurrency: integer('operation-concurrency'),
      maxPendingOperations: integer('max-pending-operations'),
      databaseTimeouts: {
        connectMs: integer('connect-timeout-ms'),
        statementMs: integer('statement-timeout-ms'),
        lockMs: integer('lock-timeout-ms'),
      },
    },
  };
}
