/** Statuses of backups and restores in the a9s backup-manager API. */
export const backupStatuses = ['queued', 'running', 'done', 'failed', 'deleted'] as const;
export type BackupStatus = (typeof backupStatuses)[number];

/** A status the client passes through even when it is not one of the known ones (callers decide). */
export type ReportedStatus = BackupStatus | (string & {});

export function isBackupStatus(value: string): value is BackupStatus {
  return (backupStatuses as readonly string[]).includes(value);
}

export interface CreatedBackup {
  id: number;
  message?: string;
}

export interface Backup {
  id: number;
  size?: number;
  status: ReportedStatus;
  triggeredAt?: string;
  finishedAt?: string;
  downloadable?: boolean;
}

export interface CreatedRestore {
  id: number;
}

export interface Restore {
  id: number;
  backupId?: number;
  status: ReportedStatus;
  triggeredAt?: string;
  finishedAt?: string;
}

export interface InstanceBackupConfig {
  minBackupCount?: number;
  retentionTime?: number;
  minEncryptionKeyLength?: number;
  excludeFromAutoBackup?: boolean;
  backupType?: string;
}

export interface BackupConfigUpdate {
  /** Secret: never logged or put into messages. */
  encryptionKey?: string;
  excludeFromAutoBackup?: boolean;
  credentialsUpdatedByUser?: boolean;
}

export interface BackupManagerRequestOptions {
  signal?: AbortSignal;
}

export type BackupManagerOperation =
  | 'createBackup'
  | 'getBackup'
  | 'listBackups'
  | 'deleteBackup'
  | 'createRestore'
  | 'getRestore'
  | 'listRestores'
  | 'getInstanceConfig'
  | 'updateBackupConfig'
  | 'checkAvailability';
