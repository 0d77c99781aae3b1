import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { environmentVariableOf, parseBrokerCommandLine, usage } from './brokerCommandLine.js';

describe('parseBrokerCommandLine', () => {
  it('uses the defaults', () => {
    const c = parseBrokerCommandLine([], {}, '/home/u');
    assert.equal(c.options.listen, '127.0.0.1:0');
    assert.equal(c.options.stateDatabaseUrl, 'postgres://postgres@127.0.0.1:5432/klutch_broker');
    assert.equal(c.options.mariadbAdminUrl, 'mysql://root@127.0.0.1:3306');
    assert.equal(c.options.backupDir, '/home/u/.klutch/broker/backups');
    assert.equal(c.options.provisionDelayMs, 300);
    assert.equal(c.options.username, '');
    assert.equal(c.tlsFiles, undefined);
    assert.deepEqual(c.options.databaseTimeouts, { connectMs: 10_000, statementMs: 60_000, lockMs: 10_000 });
    assert.equal(c.options.jobTimeoutMs, 1_800_000);
    assert.equal(c.options.maxQueuedJobs, 20);
    assert.equal(c.options.operationConcurrency, 2);
    assert.equal(c.options.maxPendingOperations, 50);
  });

  it('reads the timeouts and queue bounds', () => {
    const c = parseBrokerCommandLine(
      ['--lock-timeout-ms', '2500', '--statement-timeout-ms=0', '--max-queued-jobs', '3'],
      { KLUTCH_BROKER_CONNECT_TIMEOUT_MS: '4000', KLUTCH_BROKER_MAX_PENDING_OPERATIONS: '7' },
      '/h',
    );
    assert.deepEqual(c.options.databaseTimeouts, { connectMs: 4000, statementMs: 0, lockMs: 2500 });
    assert.equal(c.options.maxQueuedJobs, 3);
    assert.equal(c.options.maxPendingOperations, 7);
    assert.throws(
      () => parseBrokerCommandLine(['--lock-timeout-ms', '10s'], {}, '/h'),
      /--lock-timeout-ms must be a whole number/,
    );
  });

  it('reads environment variables and lets flags win', () => {
    const c = parseBrokerCommandLine(
      ['--listen', '127.0.0.2:8080', '--provision-delay-ms=5', '--mariadb-admin-url', ''],
      {
        KLUTCH_BROKER_LISTEN: '127.0.0.1:1',
        KLUTCH_BROKER_USERNAME: 'admin',
        KLUTCH_BROKER_PASSWORD: 'secret',
        KLUTCH_BROKER_BACKUP_MANAGER_LISTEN: '127.0.0.1:9090',
      },
      '/h',
    );
    assert.equal(c.options.listen, '127.0.0.2:8080');
    assert.equal(c.options.backupManagerListen, '127.0.0.1:9090');
    assert.equal(c.options.username, 'admin');
    assert.equal(c.options.password, 'secret');
    assert.equal(c.options.provisionDelayMs, 5);
    assert.equal(c.options.mariadbAdminUrl, undefined);
  });

  it('runs managed servers instead of external ones, and refuses to mix the two', () => {
    const c = parseBrokerCommandLine(
      ['--managed-servers-dir', '/srv/db', '--managed-mariadb=false'],
      {},
      '/h',
    );
    assert.equal(c.options.managedServersDir, '/srv/db');
    assert.equal(c.options.managedMariadb, false);
    assert.equal(c.options.stateDatabaseUrl, undefined);
    assert.equal(c.options.postgresAdminUrl, undefined);
    assert.equal(c.options.mariadbAdminUrl, undefined);
    assert.throws(
      () =>
        parseBrokerCommandLine(
          ['--managed-servers-dir', '/srv/db'],
          { KLUTCH_BROKER_MARIADB_ADMIN_URL: 'mysql://x' },
          '/h',
        ),
      /--mariadb-admin-url names an external server, but --managed-servers-dir runs the broker's own/,
    );
    assert.throws(() => parseBrokerCommandLine(['--managed-mariadb', 'yes'], {}, '/h'), /true or false/);
  });

  it('takes an external RabbitMQ or runs its own node, never both', () => {
    const external = parseBrokerCommandLine(
      ['--rabbitmq-management-url', 'http://admin:pw@127.0.0.1:15672'],
      {},
      '/h',
    );
    assert.equal(external.options.rabbitmqManagementUrl, 'http://admin:pw@127.0.0.1:15672');
    assert.equal(parseBrokerCommandLine([], {}, '/h').options.rabbitmqManagementUrl, undefined);
    const managed = parseBrokerCommandLine(
      ['--managed-servers-dir', '/srv/db', '--managed-rabbitmq=false'],
      {},
      '/h',
    );
    assert.equal(managed.options.managedRabbitmq, false);
    assert.throws(
      () =>
        parseBrokerCommandLine(
          ['--managed-servers-dir', '/srv/db', '--rabbitmq-management-url', 'http://a:b@127.0.0.1:1'],
          {},
          '/h',
        ),
      /--rabbitmq-management-url names an external server/,
    );
    assert.throws(() => parseBrokerCommandLine(['--managed-rabbitmq', 'on'], {}, '/h'), /true or false/);
  });

  it('explains mistakes', () => {
    assert.throws(() => parseBrokerCommandLine(['--nope'], {}, '/h'), /Unknown option '--nope'[\s\S]*Usage/);
    assert.throws(
      () => parseBrokerCommandLine(['--provision-delay-ms', 'soon'], {}, '/h'),
      /must be a whole number/,
    );
    assert.throws(() => parseBrokerCommandLine(['--tls-cert', 'c.pem'], {}, '/h'), /must be given together/);
    assert.deepEqual(parseBrokerCommandLine(['--tls-cert', 'c', '--tls-key', 'k'], {}, '/h').tlsFiles, {
      cert: 'c',
      key: 'k',
    });
  });

  it('documents every flag with its environment variable', () => {
    assert.equal(environmentVariableOf('state-database-url'), 'KLUTCH_BROKER_STATE_DATABASE_URL');
    assert.match(usage(), /--backup-manager-listen[\s\S]*KLUTCH_BROKER_BACKUP_MANAGER_LISTEN/);
    assert.equal(parseBrokerCommandLine(['--help'], {}, '/h').help, true);
  });
});
