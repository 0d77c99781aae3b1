import type { BackupRecord, InstanceRecord, RestoreRecord } from '../state/stateRecords.js';

/** The smallest passphrase `PUT /instances/:id` accepts. */
export const minEncryptionKeyLength = 8;

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** A backup as the a9s backup manager reports it (reference section 6.10). */
export function backupView(b: BackupRecord) {
  return {
    id: b.id,
    instance_id: b.instanceId,
    size: b.sizeBytes,
    status: b.status,
    triggered_at: iso(b.triggeredAt),
    finished_at: iso(b.finishedAt),
    downloadable: false,
    ...(b.message ? { message: b.message } : {}),
  };
}

export function restoreView(r: RestoreRecord) {
  return {
    id: r.id,
    instance_id: r.instanceId,
    backup_id: r.backupId,
    status: r.status,
    triggered_at: iso(r.triggeredAt),
    finished_at: iso(r.finishedAt),
    ...(r.message ? { message: r.message } : {}),
  };
}

/** The sandbox keeps every backup until it is deleted and never takes backups by itself. */
export function instanceConfigView(i: InstanceRecord) {
  return {
    min_backup_count: 0,
    retention_time: 0,
    min_encryption_key_length: minEncryptionKeyLength,
    exclude_from_auto_backup: i.excludeFromAutoBackup,
    credentials_updated_by_user: i.credentialsUpdatedByUser,
    backup_type: 'full',
  };
}
