import type { BackupRecord, JobStatus, Queryable, RestoreRecord } from './stateRecords.js';

interface BackupRow {
  id: string;
  instance_id: string;
  status: string;
  message: string;
  size_bytes: string;
  file_path: string;
  encryption_key: Buffer;
  triggered_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

interface RestoreRow {
  id: string;
  instance_id: string;
  backup_id: string;
  status: string;
  message: string;
  triggered_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function toBackup(row: BackupRow): BackupRecord {
  return {
    id: Number(row.id),
    instanceId: row.instance_id,
    status: row.status as JobStatus,
    message: row.message,
    sizeBytes: Number(row.size_bytes),
    filePath: row.file_path,
    sealedKey: row.encryption_key,
    triggeredAt: row.triggered_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function toRestore(row: RestoreRow): RestoreRecord {
  return {
    id: Number(row.id),
    instanceId: row.instance_id,
    backupId: Number(row.backup_id),
    status: row.status as JobStatus,
    message: row.message,
    triggeredAt: row.triggered_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** Backup ids are taken first because the file name and the sealed key both depend on them. */
export async function nextBackupId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ id: string }>("SELECT nextval('backups_id_seq') AS id");
  return Number(rows[0]?.id);
}

export async function insertBackup(
  db: Queryable,
  b: { id: number; instanceId: string; filePath: string; sealedKey: Buffer },
): Promise<void> {
  await db.query(
    `INSERT INTO backups (id, instance_id, status, file_path, encryption_key) VALUES ($1, $2, 'queued', $3, $4)`,
    [b.id, b.instanceId, b.filePath, b.sealedKey],
  );
}

export async function getBackup(
  db: Queryable,
  instanceId: string,
  id: number,
): Promise<BackupRecord | undefined> {
  const { rows } = await db.query<BackupRow>('SELECT * FROM backups WHERE instance_id = $1 AND id = $2', [
    instanceId,
    id,
  ]);
  return rows[0] ? toBackup(rows[0]) : undefined;
}

export async function listBackups(db: Queryable, instanceId: string): Promise<BackupRecord[]> {
  const { rows } = await db.query<BackupRow>(
    'SELECT * FROM backups WHERE instance_id = $1 ORDER BY id DESC',
    [instanceId],
  );
  return rows.map(toBackup);
}

export async function listBackupsWithStatus(db: Queryable, statuses: JobStatus[]): Promise<BackupRecord[]> {
  const { rows } = await db.query<BackupRow>('SELECT * FROM backups WHERE status = ANY($1) ORDER BY id', [
    statuses,
  ]);
  return rows.map(toBackup);
}

export async function setBackupStatus(
  db: Queryable,
  id: number,
  change: { status: JobStatus; message?: string; sizeBytes?: number },
): Promise<void> {
  await db.query(
    `UPDATE backups SET status = $2, message = coalesce($3, message), size_bytes = coalesce($4, size_bytes),
       started_at = CASE WHEN $2 = 'running' THEN now() ELSE started_at END,
       finished_at = CASE WHEN $2 IN ('done', 'failed') THEN now() ELSE finished_at END
     WHERE id = $1`,
    [id, change.status, change.message ?? null, change.sizeBytes ?? null],
  );
}

export async function nextRestoreId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ id: string }>("SELECT nextval('restores_id_seq') AS id");
  return Number(rows[0]?.id);
}

export async function insertRestore(
  db: Queryable,
  r: { id: number; instanceId: string; backupId: number },
): Promise<void> {
  await db.query(`INSERT INTO restores (id, instance_id, backup_id, status) VALUES ($1, $2, $3, 'queued')`, [
    r.id,
    r.instanceId,
    r.backupId,
  ]);
}

export async function getRestore(
  db: Queryable,
  instanceId: string,
  id: number,
): Promise<RestoreRecord | undefined> {
  const { rows } = await db.query<RestoreRow>('SELECT * FROM restores WHERE instance_id = $1 AND id = $2', [
    instanceId,
    id,
  ]);
  return rows[0] ? toRestore(rows[0]) : undefined;
}

export async function listRestores(db: Queryable, instanceId: string): Promise<RestoreRecord[]> {
  const { rows } = await db.query<RestoreRow>(
    'SELECT * FROM restores WHERE instance_id = $1 ORDER BY id DESC',
    [instanceId],
  );
  return rows.map(toRestore);
}

export async function listRestoresWithStatus(db: Queryable, statuses: JobStatus[]): Promise<RestoreRecord[]> {
  const { rows } = await db.query<RestoreRow>('SELECT * FROM restores WHERE status = ANY($1) ORDER BY id', [
    statuses,
  ]);
  return rows.map(toRestore);
}

export async function setRestoreStatus(
  db: Queryable,
  id: number,
  change: { status: JobStatus; message?: string },
): Promise<void> {
  await db.query(
    `UPDATE restores SET status = $2, message = coalesce($3, message),
       started_at = CASE WHEN $2 = 'running' THEN now() ELSE started_at END,
       finished_at = CASE WHEN $2 IN ('done', 'failed') THEN now() ELSE finished_at END
     WHERE id = $1`,
    [id, change.status, change.message ?? null],
  );
}

/** Backups and restores waiting to run, counted under a transaction-level lock (see operations). */
export async function countQueuedJobsLocked(db: Queryable): Promise<number> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext('klutch-broker job admission'))");
  const { rows } = await db.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM backups WHERE status = 'queued')
          + (SELECT count(*) FROM restores WHERE status = 'queued') AS n`,
  );
  return Number(rows[0]?.n ?? 0);
}
