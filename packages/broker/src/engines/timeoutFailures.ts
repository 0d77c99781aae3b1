import type { EngineKind } from '../catalog/engineOfferings.js';
import { formatMilliseconds } from './databaseTimeouts.js';
import type { DatabaseTimeouts } from './databaseTimeouts.js';

/** Which of the broker's database timeouts ended a statement. */
export type TimeoutKind = 'lock' | 'statement' | 'connect' | 'idleTransaction';

interface DriverError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  cause?: unknown;
}

/**
 * Recognises the errors node-postgres and mysql2 report when one of the timeouts fires (also when
 * wrapped as the `cause` of another error); undefined for every other error.
 */
export function timeoutKindOf(err: unknown, depth = 0): TimeoutKind | undefined {
  if (typeof err !== 'object' || err === null || depth > 5) return undefined;
  const e = err as DriverError;
  const message = typeof e.message === 'string' ? e.message : '';
  switch (e.code) {
    case '55P03': // lock_not_available: lock_timeout
    case 'ER_LOCK_WAIT_TIMEOUT':
      return 'lock';
    case '57014': // query_canceled: also a cancel request, which the broker never sends
      if (/statement timeout/i.test(message)) return 'statement';
      break;
    case 'ER_STATEMENT_TIMEOUT':
      return 'statement';
    case '25P03':
      return 'idleTransaction';
    case 'ETIMEDOUT':
      return 'connect';
  }
  if (e.errno === 1205) return 'lock';
  if (e.errno === 1969) return 'statement';
  // node-postgres: a pool that had no free connection in time, or a connection that did not open.
  if (
    /timeout exceeded when trying to connect|connection terminated due to connection timeout/i.test(message)
  )
    return 'connect';
  // ioredis: the command's reply did not come within commandTimeout.
  if (/^Command timed out/.test(message)) return 'statement';
  return timeoutKindOf(e.cause, depth + 1);
}

const serverNames: Record<EngineKind, string> = {
  postgresql: 'PostgreSQL',
  mariadb: 'MariaDB',
  prometheus: 'Prometheus',
  messaging: 'RabbitMQ',
  keyvalue: 'Redis',
};

/** What timed out, as a sentence for a `last_operation` description or a job message. */
export function describeTimeout(
  kind: TimeoutKind,
  timeouts: DatabaseTimeouts,
  engine: EngineKind,
  database: string,
): string {
  const server = serverNames[engine];
  switch (kind) {
    case 'lock':
      return (
        `${server} waited ${formatMilliseconds(timeouts.lockMs)} for a lock on database ${database} ` +
        '(or one of its objects) that another session holds, and gave up'
      );
    case 'statement':
      return `a ${server} statement on database ${database} ran longer than ${formatMilliseconds(timeouts.statementMs)} and was cancelled`;
    case 'connect':
      return (
        `no ${server} connection could be opened or freed within ${formatMilliseconds(timeouts.connectMs)} ` +
        '(the server is unreachable or every admin connection is busy)'
      );
    case 'idleTransaction':
      return `${server} ended a transaction that was idle longer than ${formatMilliseconds(timeouts.statementMs)}`;
  }
}
