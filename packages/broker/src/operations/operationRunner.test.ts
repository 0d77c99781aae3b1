import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveDatabaseTimeouts } from '../engines/databaseTimeouts.js';
import { instanceResourceNames } from '../engines/resourceNames.js';
import { failureDescription } from './operationRunner.js';

describe('failureDescription', () => {
  const timeouts = resolveDatabaseTimeouts();
  const lockTimeout = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });

  it('says what timed out, on which database, and that a retry starts a new attempt', () => {
    const database = instanceResourceNames('i-1').database;
    assert.equal(
      failureDescription(
        { kind: 'deprovision', instanceId: 'i-1' },
        { engine: 'postgresql' },
        lockTimeout,
        timeouts,
      ),
      `Deprovisioning of service instance i-1 timed out: PostgreSQL waited 10s for a lock on database ${database} ` +
        '(or one of its objects) that another session holds, and gave up. Retry the request once the other ' +
        'session has ended; a new deprovision request (DELETE) starts a new attempt.',
    );
    const statement = Object.assign(new Error('Query execution was interrupted'), { errno: 1969 });
    assert.match(
      failureDescription({ kind: 'update', instanceId: 'i-1' }, { engine: 'mariadb' }, statement, timeouts),
      /^Updating .* timed out: a MariaDB statement .* longer than 1m and was cancelled\. Retry the request; repeating the update \(PATCH\)/,
    );
  });

  it('keeps the error of any other failure', () => {
    assert.equal(
      failureDescription(
        { kind: 'provision', instanceId: 'i-2' },
        { engine: 'postgresql' },
        new Error('disk full'),
        timeouts,
      ),
      'Provisioning of service instance i-2 failed: disk full',
    );
  });
});
