import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { ScriptedHttpServer } from '../testing/scriptedHttpServer.js';
import { BackupManagerClient } from './backupManagerClient.js';
import {
  BackupFileDeletionFailedError,
  BackupLockedError,
  BackupManagerError,
  BackupManagerMalformedResponseError,
  BackupManagerTimeoutError,
  BackupNonRestorableStateError,
  BackupNotFoundError,
  InstanceNotFoundError,
  RestoreInProgressError,
} from './backupManagerErrors.js';
import { isBackupStatus } from './backupManagerTypes.js';

const auth = { username: 'bm-admin', password: 'bm-secret' };
const BASIC = `Basic ${Buffer.from('bm-admin:bm-secret').toString('base64')}`;
const ID = 'inst-1';

async function setup(t: TestContext, timeoutMs?: number) {
  const server = await ScriptedHttpServer.start();
  t.after(() => server.close());
  const client = new BackupManagerClient({ url: server.url, auth, ...(timeoutMs ? { timeoutMs } : {}) });
  t.after(() => client.close());
  return { server, client };
}

async function bmError(p: Promise<unknown>): Promise<BackupManagerError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof BackupManagerError, `expected BackupManagerError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('BackupManagerClient', () => {
  it('createBackup posts without a body and returns id and message', async (t) => {
    const { server, client } = await setup(t);
    server.script('POST', `/instances/${ID}/backups`, {
      status: 201,
      body: { id: 17, message: 'backup queued' },
    });
    assert.deepEqual(await client.createBackup(ID), { id: 17, message: 'backup queued' });
    const [req] = server.requests;
    assert.equal(req?.rawBody, '');
    assert.equal(req?.headers.authorization, BASIC);
    assert.equal(req?.headers['x-broker-api-version'], undefined, 'no OSB version header');
    server.script('POST', `/instances/${ID}/backups`, { status: 200, body: { id: '18' } });
    assert.deepEqual(await client.createBackup(ID), { id: 18 });
  });

  it('createBackup: 404 is InstanceNotFoundError', async (t) => {
    const { server, client } = await setup(t);
    server.script('POST', `/instances/${ID}/backups`, { status: 404, body: {} });
    const err = await bmError(client.createBackup(ID));
    assert.ok(err instanceof InstanceNotFoundError);
    assert.equal(err.userMessage, `the backup manager does not know the instance "${ID}"`);
    assert.equal(err.retryable, false);
  });

  it('getBackup reads the backup and refuses non-numeric ids without a request', async (t) => {
    const { server, client } = await setup(t);
    server.script('GET', `/instances/${ID}/backups/17`, {
      status: 200,
      body: {
        id: 17,
        size: 1024,
        status: 'done',
        triggered_at: '2026-01-01T00:00:00Z',
        finished_at: '2026-01-01T00:01:00Z',
        downloadable: true,
      },
    });
    assert.deepEqual(await client.getBackup(ID, '17'), {
      id: 17,
      size: 1024,
      status: 'done',
      triggeredAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:01:00Z',
      downloadable: true,
    });
    const err = await bmError(client.getBackup(ID, '17; rm -rf'));
    assert.equal(err.requestSent, false);
    assert.match(err.userMessage, /backup id "17; rm -rf" is not a number/);
    assert.equal(server.requests.length, 1);
  });

  it('getBackup: 404 is BackupNotFoundError; unknown statuses pass through', async (t) => {
    const { server, client } = await setup(t);
    server.script('GET', `/instances/${ID}/backups/5`, {
      status: 404,
      body: { description: 'Backup 5 not found' },
    });
    const err = await bmError(client.getBackup(ID, 5));
    assert.ok(err instanceof BackupNotFoundError);
    assert.equal(err.userMessage, 'Backup 5 not found');
    server.script('GET', `/instances/${ID}/backups/6`, { status: 200, body: { id: 6, status: 'exploded' } });
    const odd = await client.getBackup(ID, 6);
    assert.equal(odd.status, 'exploded');
    assert.equal(isBackupStatus(odd.status), false);
    assert.equal(isBackupStatus('queued'), true);
  });

  it('listBackups returns every backup and rejects a non-array', async (t) => {
    const { server, client } = await setup(t);
    server.script('GET', `/instances/${ID}/backups`, [
      {
        status: 200,
        body: [
          { id: 1, status: 'done' },
          { id: 2, status: 'running' },
        ],
      },
      { status: 200, body: { id: 1 } },
    ]);
    assert.deepEqual(
      (await client.listBackups(ID)).map((b) => [b.id, b.status]),
      [
        [1, 'done'],
        [2, 'running'],
      ],
    );
    const err = await bmError(client.listBackups(ID));
    assert.ok(err instanceof BackupManagerMalformedResponseError);
    assert.match(err.userMessage, /not an array/);
  });

  it('deleteBackup deletes by integer id', async (t) => {
    const { server, client } = await setup(t);
    server.script('DELETE', `/instances/${ID}/backups/9`, { status: 200, body: { message: 'deleted' } });
    assert.deepEqual(await client.deleteBackup(ID, 9), { message: 'deleted' });
    assert.equal(server.requests[0]?.method, 'DELETE');
  });

  it('deleteBackup: 423 is BackupLockedError (retryable)', async (t) => {
    const { server, client } = await setup(t);
    server.script('DELETE', `/instances/${ID}/backups/9`, { status: 423, body: {} });
    const err = await bmError(client.deleteBackup(ID, 9));
    assert.ok(err instanceof BackupLockedError);
    assert.equal(err.retryable, true);
    assert.match(err.userMessage, /backup 9 is locked/);
  });

  it('deleteBackup: 400 is BackupFileDeletionFailedError', async (t) => {
    const { server, client } = await setup(t);
    server.script('DELETE', `/instances/${ID}/backups/9`, {
      status: 400,
      body: { description: 'S3 said no' },
    });
    const err = await bmError(client.deleteBackup(ID, 9));
    assert.ok(err instanceof BackupFileDeletionFailedError);
    assert.equal(err.userMessage, 'S3 said no');
  });

  it('deleteBackup: 404 is BackupNotFoundError', async (t) => {
    const { server, client } = await setup(t);
    server.script('DELETE', `/instances/${ID}/backups/9`, { status: 404, rawBody: '' });
    const err = await bmError(client.deleteBackup(ID, 9));
    assert.ok(err instanceof BackupNotFoundError);
    assert.equal(err.userMessage, `backup 9 of instance "${ID}" does not exist`);
  });

  it('createRestore expects 202 and returns the restore id', async (t) => {
    const { server, client } = await setup(t);
    server.script('POST', `/instances/${ID}/backups/3/restore`, { status: 202, body: { id: 44 } });
    assert.deepEqual(await client.createRestore(ID, 3), { id: 44 });
    server.script('POST', `/instances/${ID}/backups/3/restore`, { status: 200, body: { id: 45 } });
    const err = await bmError(client.createRestore(ID, 3));
    assert.equal(err.status, 200);
    assert.match(err.userMessage, /answered 200, which is not a valid answer to createRestore/);
  });

  it('createRestore: 409 is RestoreInProgressError', async (t) => {
    const { server, client } = await setup(t);
    server.script('POST', `/instances/${ID}/backups/3/restore`, { status: 409, body: {} });
    const err = await bmError(client.createRestore(ID, 3));
    assert.ok(err instanceof RestoreInProgressError);
    assert.equal(err.retryable, true);
    assert.equal(err.userMessage, `a restore of instance "${ID}" is already in progress`);
  });

  it('createRestore: 422 is BackupNonRestorableStateError', async (t) => {
    const { server, client } = await setup(t);
    server.script('POST', `/instances/${ID}/backups/3/restore`, { status: 422, body: {} });
    const err = await bmError(client.createRestore(ID, 3));
    assert.ok(err instanceof BackupNonRestorableStateError);
    assert.equal(err.userMessage, 'backup 3 cannot be restored in its current state');
  });

  it('createRestore: 404 is BackupNotFoundError', async (t) => {
    const { server, client } = await setup(t);
    server.script('POST', `/instances/${ID}/backups/3/restore`, { status: 404, body: {} });
    assert.ok((await bmError(client.createRestore(ID, 3))) instanceof BackupNotFoundError);
  });

  it('getRestore and listRestores read restores', async (t) => {
    const { server, client } = await setup(t);
    server.script('GET', `/instances/${ID}/restores/44`, {
      status: 200,
      body: { id: 44, backup_id: 3, status: 'running', triggered_at: '2026-01-01T00:00:00Z' },
    });
    server.script('GET', `/instances/${ID}/restores`, {
      status: 200,
      body: [{ id: 44, backup_id: '3', status: 'done' }],
    });
    assert.deepEqual(await client.getRestore(ID, 44), {
      id: 44,
      backupId: 3,
      status: 'running',
      triggeredAt: '2026-01-01T00:00:00Z',
    });
    assert.deepEqual(await client.listRestores(ID), [{ id: 44, backupId: 3, status: 'done' }]);
  });

  it('getInstanceConfig reads the config; 404 is InstanceNotFoundError', async (t) => {
    const { server, client } = await setup(t);
    server.script('GET', `/instances/${ID}/config`, [
      {
        status: 200,
        body: {
          min_backup_count: 3,
          retention_time: 14,
          min_encryption_key_length: 8,
          exclude_from_auto_backup: false,
          backup_type: 'full',
        },
      },
      { status: 404, body: {} },
    ]);
    assert.deepEqual(await client.getInstanceConfig(ID), {
      minBackupCount: 3,
      retentionTime: 14,
      minEncryptionKeyLength: 8,
      excludeFromAutoBackup: false,
      backupType: 'full',
    });
    assert.ok((await bmError(client.getInstanceConfig(ID))) instanceof InstanceNotFoundError);
  });

  it('updateBackupConfig sends only the given fields and never leaks the key', async (t) => {
    const { server, client } = await setup(t);
    server.script('PUT', `/instances/${ID}`, [
      { status: 200, body: { message: 'updated' } },
      { status: 404, body: {} },
      { status: 500, rawBody: '' },
    ]);
    assert.deepEqual(
      await client.updateBackupConfig(ID, { encryptionKey: 'k3y-v3ry-s3cret', excludeFromAutoBackup: true }),
      {
        message: 'updated',
      },
    );
    assert.deepEqual(server.requests[0]?.body, {
      encryption_key: 'k3y-v3ry-s3cret',
      exclude_from_auto_backup: true,
    });
    assert.equal(server.requests[0]?.headers['content-type'], 'application/json');
    assert.ok(
      (await bmError(client.updateBackupConfig(ID, { credentialsUpdatedByUser: true }))) instanceof
        InstanceNotFoundError,
    );
    const err = await bmError(client.updateBackupConfig(ID, { encryptionKey: 'k3y-v3ry-s3cret' }));
    assert.equal(err.retryable, true);
    assert.doesNotMatch(`${err.message} ${err.userMessage}`, /k3y-v3ry-s3cret/);
  });

  it('updateBackupConfig with no field fails clearly without a request', async (t) => {
    const { server, client } = await setup(t);
    const err = await bmError(client.updateBackupConfig(ID, {}));
    assert.match(
      err.userMessage,
      /set at least one of encryptionKey, excludeFromAutoBackup, credentialsUpdatedByUser/,
    );
    assert.equal(server.requests.length, 0);
  });

  it('checkAvailability accepts any 2xx on the endpoint', async (t) => {
    const { server, client } = await setup(t);
    server.script('GET', '/v2/healthy', [{ status: 204 }, { status: 503 }]);
    await client.checkAvailability('/v2/healthy');
    const err = await bmError(client.checkAvailability('/v2/healthy'));
    assert.equal(err.status, 503);
    server.script('GET', '/instances', { status: 200, body: [] });
    await client.checkAvailability();
  });

  it('reports a down backup manager, timeouts and malformed bodies as typed retryable errors', async (t) => {
    const { server, client } = await setup(t, 200);
    server.script('GET', `/instances/${ID}/backups/1`, [{ hang: true }, { status: 200, rawBody: '{nope' }]);
    const timeout = await bmError(client.getBackup(ID, 1));
    assert.ok(timeout instanceof BackupManagerTimeoutError);
    assert.ok(timeout.isTimeout());
    const malformed = await bmError(client.getBackup(ID, 1));
    assert.ok(malformed instanceof BackupManagerMalformedResponseError);
    assert.equal(malformed.retryable, true);
    await server.down();
    const down = await bmError(client.listBackups(ID));
    assert.equal(down.retryable, true);
    assert.equal(down.requestSent, false);
    assert.match(
      down.userMessage,
      /^the backup manager at http:\/\/127\.0\.0\.1:\d+ is unreachable: connect ECONNREFUSED/,
    );
  });

  it('writes its own message for answers without a description and keeps credentials out', async (t) => {
    const { server, client } = await setup(t);
    server.script('GET', `/instances/${ID}/backups`, [
      { status: 401, rawBody: '' },
      { status: 502, rawBody: '<html>' },
    ]);
    const unauthorized = await bmError(client.listBackups(ID));
    assert.match(unauthorized.userMessage, /rejected the credentials \(401 Unauthorized\)/);
    const bad = await bmError(client.listBackups(ID));
    assert.equal(bad.userMessage, `the backup manager at ${server.url} answered 502 without a description`);
    assert.doesNotMatch(`${unauthorized.message}${bad.message}`, /bm-secret/);
  });

  it('rejects impossible settings', () => {
    assert.throws(
      () => new BackupManagerClient({ url: 'http://x', auth: { username: '', password: 'p' } }),
      /user name is empty/,
    );
    assert.throws(() => new BackupManagerClient({ url: 'http://x', auth, timeoutMs: -1 }), /timeout/);
    assert.throws(
      () =>
        new BackupManagerClient({
          url: 'https://x',
          auth,
          insecureSkipVerify: true,
          caPem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----',
        }),
      /use one of them/,
    );
  });
});
