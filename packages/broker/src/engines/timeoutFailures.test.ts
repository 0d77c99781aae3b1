import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveDatabaseTimeouts } from './databaseTimeouts.js';
import { describeTimeout, timeoutKindOf } from './timeoutFailures.js';

// The shapes are those node-postgres and mysql2 produce; brokerFaults.cluster.test.ts provokes the
// real ones (a lock held by another session) and checks the descriptions built from them.
function driverError(fields: Record<string, unknown>, message = 'failed'): Error {
  return Object.assign(new Error(message), fields);
}

describe('timeoutKindOf', () => {
  it('recognises PostgreSQL timeouts by SQLSTATE', () => {
    assert.equal(
      timeoutKindOf(driverError({ code: '55P03' }, 'canceling statement due to lock timeout')),
      'lock',
    );
    assert.equal(
      timeoutKindOf(driverError({ code: '57014' }, 'canceling statement due to statement timeout')),
      'statement',
    );
    assert.equal(
      timeoutKindOf(driverError({ code: '57014' }, 'canceling statement due to user request')),
      undefined,
    );
    assert.equal(timeoutKindOf(driverError({ code: '25P03' })), 'idleTransaction');
    assert.equal(timeoutKindOf(new Error('timeout exceeded when trying to connect')), 'connect');
  });

  it('recognises MariaDB timeouts by code or errno', () => {
    assert.equal(timeoutKindOf(driverError({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 })), 'lock');
    assert.equal(timeoutKindOf(driverError({ errno: 1969 })), 'statement');
    assert.equal(timeoutKindOf(driverError({ code: 'ETIMEDOUT' })), 'connect');
  });

  it('looks through wrapping errors and ignores everything else', () => {
    const wrapped = new Error('PostgreSQL rejected work_mem', { cause: driverError({ code: '55P03' }) });
    assert.equal(timeoutKindOf(wrapped), 'lock');
    assert.equal(timeoutKindOf(driverError({ code: '42P04' })), undefined);
    assert.equal(timeoutKindOf('text'), undefined);
    assert.equal(timeoutKindOf(undefined), undefined);
  });
});

describe('describeTimeout', () => {
  const timeouts = resolveDatabaseTimeouts({ lockMs: 2000 });
  it('names the server, the database and the limit', () => {
    assert.equal(
      describeTimeout('lock', timeouts, 'postgresql', 'klutch_abc'),
      'PostgreSQL waited 2s for a lock on database klutch_abc (or one of its objects) that another session holds, and gave up',
    );
    assert.match(
      describeTimeout('statement', timeouts, 'mariadb', 'klutch_abc'),
      /MariaDB statement .* longer than 1m /,
    );
    assert.match(describeTimeout('connect', timeouts, 'postgresql', 'klutch_abc'), /within 10s/);
  });
});
