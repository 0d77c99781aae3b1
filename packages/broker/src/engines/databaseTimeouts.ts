import {
  defaultConnectTimeoutMs,
  defaultLockTimeoutMs,
  defaultStatementTimeoutMs,
} from '../brokerDefaults.js';

/**
 * How long the broker waits for a database server. Without these a single stuck lock (another
 * session's open transaction) makes a statement, and the OSB operation around it, wait forever.
 * 0 disables a timeout.
 */
export interface DatabaseTimeouts {
  /** Opening a connection, and waiting for a free connection of a pool. */
  connectMs: number;
  /** One statement. */
  statementMs: number;
  /** Waiting for one lock (table, row, database or metadata lock). */
  lockMs: number;
}

export function resolveDatabaseTimeouts(given: Partial<DatabaseTimeouts> = {}): DatabaseTimeouts {
  return {
    connectMs: given.connectMs ?? defaultConnectTimeoutMs,
    statementMs: given.statementMs ?? defaultStatementTimeoutMs,
    lockMs: given.lockMs ?? defaultLockTimeoutMs,
  };
}

/** Connection settings of node-postgres (`pg.Pool` and `pg.Client`) that apply the timeouts. */
export interface PostgresTimeoutSettings {
  connectionTimeoutMillis?: number;
  statement_timeout?: number;
  lock_timeout?: number;
  idle_in_transaction_session_timeout?: number;
}

export function postgresTimeoutSettings(t: DatabaseTimeouts): PostgresTimeoutSettings {
  const settings: PostgresTimeoutSettings = {};
  if (t.connectMs > 0) settings.connectionTimeoutMillis = t.connectMs;
  if (t.statementMs > 0) {
    settings.statement_timeout = t.statementMs;
    // A transaction left open by a stuck client holds its locks; end it as a statement would end.
    settings.idle_in_transaction_session_timeout = t.statementMs;
  }
  if (t.lockMs > 0) settings.lock_timeout = t.lockMs;
  return settings;
}

/** MariaDB's lock waits are whole seconds, and 0 there means "do not wait", not "no limit". */
const mariadbMaxLockWaitSeconds = 31_536_000;

/**
 * The session settings of a MariaDB admin connection: `lock_wait_timeout` bounds metadata locks
 * (what DROP DATABASE waits for behind an open transaction), `innodb_lock_wait_timeout` row locks,
 * `max_statement_time` whole statements (seconds, fractions allowed, 0 = no limit).
 */
export function mariadbSessionStatement(t: DatabaseTimeouts): string {
  const lockSeconds = t.lockMs > 0 ? Math.max(1, Math.ceil(t.lockMs / 1000)) : mariadbMaxLockWaitSeconds;
  const statementSeconds = (t.statementMs / 1000).toFixed(3);
  return (
    `SET SESSION max_statement_time = ${statementSeconds}, lock_wait_timeout = ${lockSeconds}, ` +
    `innodb_lock_wait_timeout = ${lockSeconds}`
  );
}

/** For messages: 500 ms, 10s, 1.5s, 2m, 1m30s, 30m. */
export function formatMilliseconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}
