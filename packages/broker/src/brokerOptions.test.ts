import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerConfigError, validateBrokerOptions } from './brokerOptions.js';
import type { BrokerOptions } from './brokerOptions.js';

const valid: BrokerOptions = {
  stateDatabaseUrl: 'postgres://postgres@127.0.0.1:5432/klutch_broker',
  backupDir: '/tmp/backups',
  username: 'broker',
  password: 'secret',
};

describe('validateBrokerOptions', () => {
  it('accepts the defaults and explicit bounds', () => {
    validateBrokerOptions(valid);
    validateBrokerOptions({
      ...valid,
      databaseTimeouts: { connectMs: 0, statementMs: 0, lockMs: 0 },
      maxQueuedJobs: 1,
      maxPendingOperations: 1,
      operationConcurrency: 1,
      jobTimeoutMs: 1000,
    });
  });

  it('names the flag of a bound that cannot work', () => {
    const bad: Array<[Partial<BrokerOptions>, RegExp]> = [
      [{ maxQueuedJobs: 0 }, /--max-queued-jobs must be a whole number, 1 or more; got 0/],
      [{ maxPendingOperations: 1.5 }, /--max-pending-operations/],
      [{ operationConcurrency: 0 }, /--operation-concurrency/],
      [{ jobTimeoutMs: 10 }, /--job-timeout-ms must be a whole number of milliseconds/],
      [{ databaseTimeouts: { lockMs: -1 } }, /--lock-timeout-ms/],
    ];
    for (const [change, message] of bad) {
      assert.throws(
        () => validateBrokerOptions({ ...valid, ...change }),
        (err) => err instanceof BrokerConfigError && message.test(err.message),
      );
    }
  });
});
