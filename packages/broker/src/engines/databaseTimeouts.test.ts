import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatMilliseconds,
  mariadbSessionStatement,
  postgresTimeoutSettings,
  resolveDatabaseTimeouts,
} from './databaseTimeouts.js';

describe('database timeouts', () => {
  it('default to 10 s connect, 60 s statement, 10 s lock', () => {
    assert.deepEqual(resolveDatabaseTimeouts(), { connectMs: 10_000, statementMs: 60_000, lockMs: 10_000 });
    assert.deepEqual(resolveDatabaseTimeouts({ lockMs: 500 }), {
      connectMs: 10_000,
      statementMs: 60_000,
      lockMs: 500,
    });
  });

  it('become node-postgres settings; 0 leaves a timeout off', () => {
    assert.deepEqual(postgresTimeoutSettings({ connectMs: 1000, statementMs: 2000, lockMs: 300 }), {
      connectionTimeoutMillis: 1000,
      statement_timeout: 2000,
      idle_in_transaction_session_timeout: 2000,
      lock_timeout: 300,
    });
    assert.deepEqual(postgresTimeoutSettings({ connectMs: 0, statementMs: 0, lockMs: 0 }), {});
  });

  it('become MariaDB session settings in whole seconds for locks, never 0 ("do not wait")', () => {
    assert.equal(
      mariadbSessionStatement({ connectMs: 1, statementMs: 1500, lockMs: 300 }),
      'SET SESSION max_statement_time = 1.500, lock_wait_timeout = 1, innodb_lock_wait_timeout = 1',
    );
    assert.match(
      mariadbSessionStatement({ connectMs: 1, statementMs: 0, lockMs: 0 }),
      /max_statement_time = 0\.000, lock_wait_timeout = 31536000, innodb_lock_wait_timeout = 31536000$/,
    );
    assert.match(mariadbSessionStatement(resolveDatabaseTimeouts()), /lock_wait_timeout = 10,/);
  });

  it('are written for people', () => {
    assert.equal(formatMilliseconds(250), '250 ms');
    assert.equal(formatMilliseconds(10_000), '10s');
    assert.equal(formatMilliseconds(1500), '1.5s');
    assert.equal(formatMilliseconds(90_000), '1m30s');
    assert.equal(formatMilliseconds(1_800_000), '30m');
  });
});
