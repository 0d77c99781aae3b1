import { mkdir, rename, rm, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '@klutch/kube';
import type { Pool } from 'pg';
import { busyRetryAfterSeconds } from '../brokerDefaults.js';
import { formatMilliseconds } from '../engines/databaseTimeouts.js';
import type { DatabaseTimeouts } from '../engines/databaseTimeouts.js';
import { instanceResourceNames } from '../engines/resourceNames.js';
import { describeTimeout, timeoutKindOf } from '../engines/timeoutFailures.js';
import { HttpError, tooManyRequests } from '../http/httpErrors.js';
import { loadEngineInstance } from '../operations/engineRegistry.js';
import type { EngineRegistry } from '../operations/engineRegistry.js';
import {
  countQueuedJobsLocked,
  getBackup,
  getRestore,
  insertBackup,
  insertRestore,
  listBackups,
  listBackupsWithStatus,
  listRestores,
  listRestoresWithStatus,
  nextBackupId,
  nextRestoreId,
  setBackupStatus,
  setRestoreStatus,
} from '../state/backupRepository.js';
import { getInstance, lockInstanceId, updateBackupSettings } from '../state/instanceRepository.js';
import type { SecretBox } from '../state/secretBox.js';
import { withTransaction } from '../state/stateDatabase.js';
import type { BackupRecord, InstanceRecord, Queryable, RestoreRecord } from '../state/stateRecords.js';
import type { BackupConfigChange } from './backupConfigRequest.js';
import { decryptBackup, deriveBackupKey, newBackupSalt, writeEncryptedBackup } from './backupFileCrypto.js';
import { backupFilePath, instanceBackupDirectory, restoreScratchFile } from './backupPaths.js';
import { KeyedJobQueue } from './keyedJobQueue.js';

export interface BackupServiceOptions {
  pool: Pool;
  secretBox: SecretBox;
  engines: EngineRegistry;
  backupDir: string;
  concurrency: number;
  /** Jobs waiting for their turn; more are answered 429. */
  maxQueuedJobs: number;
  /** Deadline of one job; the client tool is killed and the job fails after it. */
  jobTimeoutMs: number;
  /** For the messages of jobs that hit a database timeout. */
  timeouts: DatabaseTimeouts;
  logger: Logger;
}

export const passphraseContext = (instanceId: string) => `instance-backup-passphrase:${instanceId}`;
const backupKeyContext = (backupId: number) => `backup-key:${backupId}`;

function instanceNotFound(instanceId: string): HttpError {
  return new HttpError(404, {
    error: 'InstanceNotFound',
    description: `Service instance ${instanceId} does not exist.`,
  });
}

/**
 * The backup manager: backups and restores are rows in the state database and run as background
 * jobs (one at a time per instance, a few in parallel overall). A job interrupted by a stop keeps
 * its row and runs again from the start on the next start.
 */
export class BackupService {
  private readonly queue: KeyedJobQueue;

  constructor(private readonly options: BackupServiceOptions) {
    this.queue = new KeyedJobQueue(options.concurrency, (job, err) =>
      options.logger.error({ job: job.id, err: (err as Error).message }, 'backup job failed unexpectedly'),
    );
  }

  /** Requeues what was queued or running when the broker stopped. */
  async resume(): Promise<void> {
    const { pool } = this.options;
    for (const backup of await listBackupsWithStatus(pool, ['queued', 'running'])) {
      if (backup.status === 'running') await setBackupStatus(pool, backup.id, { status: 'queued' });
      this.enqueueBackup(backup.instanceId, backup.id);
    }
    for (const restore of await listRestoresWithStatus(pool, ['queued', 'running'])) {
      if (restore.status === 'running') await setRestoreStatus(pool, restore.id, { status: 'queued' });
      this.enqueueRestore(restore.instanceId, restore.id);
    }
  }

  async stop(): Promise<void> {
    await this.queue.stop();
  }

  async createBackup(instanceId: string): Promise<BackupRecord> {
    const { pool, secretBox, backupDir } = this.options;
    const backup = await withTransaction(pool, async (client) => {
      await lockInstanceId(client, instanceId);
      const instance = await this.usableInstance(client, instanceId);
      await this.admitJob(client, 'backup');
      const id = await nextBackupId(client);
      const passphrase = secretBox
        .open(instance.sealedBackupPassphrase, passphraseContext(instanceId))
        .toString('utf8');
      const salt = newBackupSalt();
      const key = await deriveBackupKey(passphrase, salt);
      await insertBackup(client, {
        id,
        instanceId,
        filePath: backupFilePath(backupDir, instanceId, id),
        sealedKey: secretBox.seal(Buffer.concat([salt, key]), backupKeyContext(id)),
      });
      return (await getBackup(client, instanceId, id)) as BackupRecord;
    });
    this.enqueueBackup(instanceId, backup.id);
    return backup;
  }

  async getBackup(instanceId: string, backupId: number): Promise<BackupRecord> {
    await this.knownInstance(instanceId);
    const backup = await getBackup(this.options.pool, instanceId, backupId);
    if (!backup) throw backupNotFound(instanceId, backupId);
    return backup;
  }

  async listBackups(instanceId: string): Promise<BackupRecord[]> {
    await this.knownInstance(instanceId);
    return listBackups(this.options.pool, instanceId);
  }

  async deleteBackup(instanceId: string, backupId: number): Promise<string> {
    return withTransaction(this.options.pool, async (client) => {
      await lockInstanceId(client, instanceId);
      await this.knownInstance(instanceId, client);
      const backup = await getBackup(client, instanceId, backupId);
      if (!backup) throw backupNotFound(instanceId, backupId);
      if (backup.status === 'deleted') return `Backup ${backupId} was already deleted.`;
      if (backup.status === 'queued' || backup.status === 'running') {
        throw new HttpError(423, {
          error: 'BackupLocked',
          description: `Backup ${backupId} is still ${backup.status}; delete it once it is done or failed.`,
        });
      }
      const restoring = (await listRestores(client, instanceId)).find(
        (r) => r.backupId === backupId && (r.status === 'queued' || r.status === 'running'),
      );
      if (restoring) {
        throw new HttpError(423, {
          error: 'BackupLocked',
          description: `Backup ${backupId} is being restored (restore ${restoring.id}); delete it when the restore has finished.`,
        });
      }
      try {
        await unlink(backup.filePath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new HttpError(400, {
            error: 'BackupFileDeletionFailed',
            description: `The file of backup ${backupId} could not be deleted: ${(err as Error).message}.`,
          });
        }
      }
      await setBackupStatus(client, backupId, { status: 'deleted' });
      return `Backup ${backupId} deleted.`;
    });
  }

  async createRestore(instanceId: string, backupId: number): Promise<RestoreRecord> {
    const restore = await withTransaction(this.options.pool, async (client) => {
      await lockInstanceId(client, instanceId);
      await this.usableInstance(client, instanceId);
      const backup = await getBackup(client, instanceId, backupId);
      if (!backup) throw backupNotFound(instanceId, backupId);
      if (backup.status !== 'done') {
        throw new HttpError(422, {
          error: 'BackupNonRestorableState',
          description:
            `Backup ${backupId} has status ${backup.status}${backup.message ? ` (${backup.message})` : ''}; ` +
            'only backups with status done can be restored.',
        });
      }
      const active = (await listRestores(client, instanceId)).find(
        (r) => r.status === 'queued' || r.status === 'running',
      );
      if (active) {
        throw new HttpError(409, {
          error: 'RestoreInProgress',
          description: `Restore ${active.id} of service instance ${instanceId} is still ${active.status}; wait until it has finished.`,
        });
      }
      await this.admitJob(client, 'restore');
      const id = await nextRestoreId(client);
      await insertRestore(client, { id, instanceId, backupId });
      return (await getRestore(client, instanceId, id)) as RestoreRecord;
    });
    this.enqueueRestore(instanceId, restore.id);
    return restore;
  }

  async getRestore(instanceId: string, restoreId: number): Promise<RestoreRecord> {
    await this.knownInstance(instanceId);
    const restore = await getRestore(this.options.pool, instanceId, restoreId);
    if (!restore) {
      throw new HttpError(404, {
        error: 'RestoreNotFound',
        description: `Restore ${restoreId} of service instance ${instanceId} does not exist.`,
      });
    }
    return restore;
  }

  async listRestores(instanceId: string): Promise<RestoreRecord[]> {
    await this.knownInstance(instanceId);
    return listRestores(this.options.pool, instanceId);
  }

  async instanceConfig(instanceId: string): Promise<InstanceRecord> {
    return this.knownInstance(instanceId);
  }

  async updateInstanceConfig(instanceId: string, change: BackupConfigChange): Promise<void> {
    const { pool, secretBox } = this.options;
    await withTransaction(pool, async (client) => {
      await lockInstanceId(client, instanceId);
      await this.knownInstance(instanceId, client);
      await updateBackupSettings(client, instanceId, {
        sealedBackupPassphrase:
          change.encryptionKey === undefined
            ? undefined
            : secretBox.seal(change.encryptionKey, passphraseContext(instanceId)),
        excludeFromAutoBackup: change.excludeFromAutoBackup,
        credentialsUpdatedByUser: change.credentialsUpdatedByUser,
      });
    });
  }

  /**
   * Part of deprovisioning, before the databases are dropped: fails the instance's jobs that have
   * not started and waits for the running one (bounded by the job deadline).
   */
  async settleJobs(instanceId: string): Promise<void> {
    const { pool } = this.options;
    this.queue.cancelQueued(instanceId);
    await this.queue.whenIdle(instanceId);
    for (const backup of await listBackups(pool, instanceId)) {
      if (backup.status === 'queued' || backup.status === 'running') {
        await setBackupStatus(pool, backup.id, {
          status: 'failed',
          message: 'the instance was being deprovisioned before the backup ran',
        });
      }
    }
    for (const restore of await listRestores(pool, instanceId)) {
      if (restore.status === 'queued' || restore.status === 'running') {
        await setRestoreStatus(pool, restore.id, {
          status: 'failed',
          message: 'the instance was being deprovisioned before the restore ran',
        });
      }
    }
  }

  /**
   * Part of deprovisioning, once the databases are gone: deletes the instance's backup files (the
   * sandbox does not keep backups of deleted instances).
   */
  async forgetInstance(instanceId: string): Promise<void> {
    const { pool, backupDir } = this.options;
    await rm(instanceBackupDirectory(backupDir, instanceId), { recursive: true, force: true });
    await pool.query(
      "UPDATE backups SET status = 'deleted' WHERE instance_id = $1 AND status IN ('done', 'failed')",
      [instanceId],
    );
  }

  /** Bounds the jobs waiting to run; beyond it the request is refused before anything is written. */
  private async admitJob(client: Queryable, kind: 'backup' | 'restore'): Promise<void> {
    const max = this.options.maxQueuedJobs;
    const queued = await countQueuedJobsLocked(client);
    if (queued >= max) {
      throw tooManyRequests(
        `The backup manager already has ${queued} backups and restores waiting (at most ${max}); the ${kind} ` +
          `was not created. Send the request again after ${busyRetryAfterSeconds} seconds.`,
        busyRetryAfterSeconds,
      );
    }
  }

  private enqueueBackup(instanceId: string, backupId: number): void {
    this.queue.enqueue({
      key: instanceId,
      id: `backup:${backupId}`,
      run: (signal) => this.runBackup(instanceId, backupId, signal),
    });
  }

  private enqueueRestore(instanceId: string, restoreId: number): void {
    this.queue.enqueue({
      key: instanceId,
      id: `restore:${restoreId}`,
      run: (signal) => this.runRestore(instanceId, restoreId, signal),
    });
  }

  private async runBackup(instanceId: string, backupId: number, stopping: AbortSignal): Promise<void> {
    const { pool, secretBox, engines, logger } = this.options;
    const deadline = AbortSignal.timeout(this.options.jobTimeoutMs);
    const signal = AbortSignal.any([stopping, deadline]);
    const backup = await getBackup(pool, instanceId, backupId);
    if (!backup || (backup.status !== 'queued' && backup.status !== 'running')) return;
    const partial = `${backup.filePath}.partial`;
    let instance: InstanceRecord | undefined;
    try {
      instance = await getInstance(pool, instanceId);
      if (!instance || instance.state === 'deleted') throw new Error('the instance no longer exists');
      await setBackupStatus(pool, backupId, { status: 'running' });
      const material = secretBox.open(backup.sealedKey, backupKeyContext(backupId));
      const salt = material.subarray(0, 16);
      const key = material.subarray(16);
      await mkdir(dirname(backup.filePath), { recursive: true, mode: 0o700 });
      let size = 0;
      const engine = engines.get(instance.engine);
      await engine.dump(
        await loadEngineInstance(pool, instance),
        async (dump) => {
          size = await writeEncryptedBackup(dump, partial, key, salt);
        },
        signal,
      );
      await rename(partial, backup.filePath);
      await setBackupStatus(pool, backupId, { status: 'done', sizeBytes: size });
      logger.info({ instance: instanceId, backup: backupId, bytes: size }, 'backup done');
    } catch (err) {
      await rm(partial, { force: true });
      if (stopping.aborted) {
        logger.info(
          { instance: instanceId, backup: backupId },
          'backup interrupted; it runs again at the next start',
        );
        return;
      }
      const message = `backup failed: ${this.jobFailure(instance, err, deadline)}`;
      await setBackupStatus(pool, backupId, { status: 'failed', message });
      logger.warn({ instance: instanceId, backup: backupId, err: (err as Error).message }, 'backup failed');
    }
  }

  private async runRestore(instanceId: string, restoreId: number, stopping: AbortSignal): Promise<void> {
    const { pool, secretBox, engines, backupDir, logger } = this.options;
    const deadline = AbortSignal.timeout(this.options.jobTimeoutMs);
    const signal = AbortSignal.any([stopping, deadline]);
    const restore = await getRestore(pool, instanceId, restoreId);
    if (!restore || (restore.status !== 'queued' && restore.status !== 'running')) return;
    const scratch = restoreScratchFile(backupDir, restoreId);
    let instance: InstanceRecord | undefined;
    try {
      instance = await getInstance(pool, instanceId);
      if (!instance || instance.state === 'deleted') throw new Error('the instance no longer exists');
      const backup = await getBackup(pool, instanceId, restore.backupId);
      if (backup?.status !== 'done') throw new Error(`backup ${restore.backupId} is no longer available`);
      await setRestoreStatus(pool, restoreId, { status: 'running' });
      const key = secretBox.open(backup.sealedKey, backupKeyContext(backup.id)).subarray(16);
      await mkdir(dirname(scratch), { recursive: true, mode: 0o700 });
      await decryptBackup(backup.filePath, key, scratch);
      await engines.get(instance.engine).restore(await loadEngineInstance(pool, instance), scratch, signal);
      await setRestoreStatus(pool, restoreId, { status: 'done' });
      logger.info({ instance: instanceId, restore: restoreId, backup: backup.id }, 'restore done');
    } catch (err) {
      if (stopping.aborted) {
        logger.info(
          { instance: instanceId, restore: restoreId },
          'restore interrupted; it runs again at the next start',
        );
        return;
      }
      const message = `restore failed: ${this.jobFailure(instance, err, deadline)}`;
      await setRestoreStatus(pool, restoreId, { status: 'failed', message });
      logger.warn(
        { instance: instanceId, restore: restoreId, err: (err as Error).message },
        'restore failed',
      );
    } finally {
      await rm(scratch, { force: true });
    }
  }

  /** Why a job failed; a deadline or a database timeout says which and that a new job may succeed. */
  private jobFailure(instance: InstanceRecord | undefined, err: unknown, deadline: AbortSignal): string {
    if (deadline.aborted) {
      return (
        `it did not finish within ${formatMilliseconds(this.options.jobTimeoutMs)} (--job-timeout-ms) and was ` +
        'stopped; nothing was kept from it. Start a new one when the database is less busy.'
      );
    }
    const timeout = timeoutKindOf(err);
    if (timeout === undefined || !instance) return (err as Error).message;
    const database = instanceResourceNames(instance.id).database;
    const cause = describeTimeout(timeout, this.options.timeouts, instance.engine, database);
    return `it timed out: ${cause}. Start a new one once that has cleared.`;
  }

  private async knownInstance(
    instanceId: string,
    db: Queryable = this.options.pool,
  ): Promise<InstanceRecord> {
    const instance = await getInstance(db, instanceId);
    if (!instance || instance.state === 'deleted') throw instanceNotFound(instanceId);
    return instance;
  }

  /** An instance whose database exists and is not being removed. */
  private async usableInstance(db: Queryable, instanceId: string): Promise<InstanceRecord> {
    const instance = await this.knownInstance(instanceId, db);
    if (instance.state === 'deprovisioning') {
      throw new HttpError(409, {
        error: 'InstanceNotReady',
        description: `Service instance ${instanceId} is being deleted.`,
      });
    }
    if (instance.provisionedAt === null) {
      throw new HttpError(409, {
        error: 'InstanceNotReady',
        description: `Service instance ${instanceId} is not provisioned yet (state ${instance.state}); retry when provisioning has succeeded.`,
      });
    }
    return instance;
  }
}

function backupNotFound(instanceId: string, backupId: number): HttpError {
  return new HttpError(404, {
    error: 'BackupNotFound',
    description: `Backup ${backupId} of service instance ${instanceId} does not exist.`,
  });
}
