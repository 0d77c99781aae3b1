import type { Logger } from '@klutch/kube';
import { defaultProvisionDelayMs } from './brokerDefaults.js';
import type { DatabaseTimeouts } from './engines/databaseTimeouts.js';

export interface BrokerOptions {
  /** OSB listener, `host:port` (default 127.0.0.1:0, a free port). */
  listen?: string;
  /** Backup-manager listener, `host:port` (default 127.0.0.1:0). */
  backupManagerListen?: string;
  /**
   * Where the broker keeps its state; created when missing, migrated at start. With managed servers
   * the default is the database `klutch_broker` on the managed PostgreSQL server.
   */
  stateDatabaseUrl?: string;
  /**
   * Run the broker's own PostgreSQL (and MariaDB) servers, with password authentication and their
   * data in this directory; `postgresAdminUrl` and `mariadbAdminUrl` are then not used.
   */
  managedServersDir?: string;
  /** Where initdb and postgres are (default: pg_config --bindir, else /usr/lib/postgresql/<newest>/bin). */
  postgresBinDir?: string;
  /** With managed servers: also run MariaDB when it is installed (default true). */
  managedMariadb?: boolean;
  /** With managed servers: also run a RabbitMQ node when rabbitmq-server is installed (default true). */
  managedRabbitmq?: boolean;
  /** With managed servers: also run Redis (key-value instances) when it is installed (default true). */
  managedRedis?: boolean;
  /**
   * A superuser connection to an external PostgreSQL server that hosts instances. It must require
   * passwords (no `trust`): otherwise any binding can log in as any other role.
   */
  postgresAdminUrl?: string;
  /**
   * An admin connection to an external MariaDB server (which must require passwords); without it
   * (or when unreachable) MariaDB is not offered.
   */
  mariadbAdminUrl?: string;
  /**
   * The management API of an external RabbitMQ as an administrator (http://user:password@host:15672).
   * The server must enforce authentication: a server with the `guest` user is refused. Without it
   * (and without managed servers) messaging is not offered.
   */
  rabbitmqManagementUrl?: string;
  /**
   * An admin connection (redis://user:password@host:port) to an external Redis server for key-value
   * instances; the user needs every command, including ACL. The broker refuses a server that answers
   * without authentication. Without it (or when unreachable) key-value is not offered.
   */
  redisAdminUrl?: string;
  /** Encrypted backup files go to `<backupDir>/<instance>/<backup id>.bin`. */
  backupDir: string;
  /** Basic-auth credentials of both APIs; required. */
  username: string;
  password: string;
  /** PEM certificate and key: both listeners then speak HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Host name written into binding credentials (default 127.0.0.1). */
  publicHost?: string;
  /** Delay before an asynchronous operation starts (default 300 ms). */
  provisionDelayMs?: number;
  /** 32 bytes, base64 or hex; when absent the key lives in `stateEncryptionKeyFile`. */
  stateEncryptionKey?: string;
  /** Default `<backupDir>/.state-encryption.key`, created on first start. */
  stateEncryptionKeyFile?: string;
  /** Backups and restores that may run at the same time (default 2). */
  jobConcurrency?: number;
  /**
   * Connect, statement and lock timeouts of every connection to the database servers and the state
   * database (defaults 10 s, 60 s, 10 s; 0 disables one).
   */
  databaseTimeouts?: Partial<DatabaseTimeouts>;
  /** Deadline of one backup or restore; the client tool is killed after it (default 30 min). */
  jobTimeoutMs?: number;
  /** Backups and restores waiting to run; more are answered 429 (default 20). */
  maxQueuedJobs?: number;
  /** Asynchronous OSB operations running at the same time (default 2). */
  operationConcurrency?: number;
  /** OSB operations accepted and not finished; more are answered 429 (default 50). */
  maxPendingOperations?: number;
  logger?: Logger;
}

export class BrokerConfigError extends Error {
  override name = 'BrokerConfigError';
}

export function validateBrokerOptions(options: BrokerOptions): void {
  if (!options.username || !options.password) {
    throw new BrokerConfigError(
      'the broker requires basic-auth credentials: set --username and --password ' +
        '(or KLUTCH_BROKER_USERNAME and KLUTCH_BROKER_PASSWORD)',
    );
  }
  if (!options.stateDatabaseUrl && !options.managedServersDir) {
    throw new BrokerConfigError(
      'the broker requires --managed-servers-dir (its own database servers) or --state-database-url',
    );
  }
  if (
    options.managedServersDir &&
    (options.postgresAdminUrl ||
      options.mariadbAdminUrl ||
      options.rabbitmqManagementUrl ||
      options.redisAdminUrl)
  ) {
    throw new BrokerConfigError(
      'give either --managed-servers-dir or the admin URLs of external servers, not both',
    );
  }
  if (!options.backupDir) throw new BrokerConfigError('the broker requires --backup-dir');
  const delay = options.provisionDelayMs ?? defaultProvisionDelayMs;
  if (!Number.isInteger(delay) || delay < 0) {
    throw new BrokerConfigError('--provision-delay-ms must be a whole number of milliseconds, 0 or more');
  }
  const atLeast = (value: number | undefined, min: number, flag: string, unit = '') => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
      throw new BrokerConfigError(
        `${flag} must be a whole number${unit}, ${min} or more; got ${String(value)}`,
      );
    }
  };
  const timeouts = options.databaseTimeouts ?? {};
  atLeast(timeouts.connectMs, 0, '--connect-timeout-ms', ' of milliseconds (0: no timeout)');
  atLeast(timeouts.statementMs, 0, '--statement-timeout-ms', ' of milliseconds (0: no timeout)');
  atLeast(timeouts.lockMs, 0, '--lock-timeout-ms', ' of milliseconds (0: no timeout)');
  atLeast(options.jobTimeoutMs, 1000, '--job-timeout-ms', ' of milliseconds');
  atLeast(options.jobConcurrency, 1, '--job-concurrency');
  atLeast(options.maxQueuedJobs, 1, '--max-queued-jobs');
  atLeast(options.operationConcurrency, 1, '--operation-concurrency');
  atLeast(options.maxPendingOperations, 1, '--max-pending-operations');
  if (options.tls && (!options.tls.cert || !options.tls.key)) {
    throw new BrokerConfigError('HTTPS needs both --tls-cert and --tls-key');
  }
}
