import { available, creating, unavailable, type ReadyState } from './managedConditions.js';

/** How a Backup or Restore should look after an observation, and when to look again. */
export interface BackupManagerObservation {
  ready: ReadyState;
  /** Set when the status is not one the provider understands (Synced=False). */
  error?: string;
  /** Still in progress: poll at the operation interval rather than the slow one. */
  inProgress: boolean;
}

/**
 * Backup status → conditions. A backup deleted at the backup manager stays deleted: the Go
 * provider re-created it behind the user's back, which silently produced a different backup.
 */
export function backupObservation(status: string | undefined): BackupManagerObservation {
  switch (status) {
    case 'queued':
    case 'running':
      return { ready: creating(`The backup is ${status}.`), inProgress: true };
    case 'done':
      return { ready: available(), inProgress: false };
    case 'failed':
      return { ready: unavailable('Backup has failed at the backup manager.'), inProgress: false };
    case 'deleted':
      return { ready: unavailable('Backup has been deleted at the backup manager.'), inProgress: false };
    default:
      return {
        ready: unavailable('Cannot determine the state of the backup.'),
        error: `cannot determine the state of the backup: the backup manager returned the unknown status ${JSON.stringify(status ?? null)}`,
        inProgress: false,
      };
  }
}

/** Restore state → conditions. */
export function restoreObservation(state: string | undefined): BackupManagerObservation {
  switch (state) {
    case 'queued':
    case 'running':
      return { ready: creating(`The restore is ${state}.`), inProgress: true };
    case 'done':
      return { ready: available('Restore completed successfully.'), inProgress: false };
    case 'failed':
      return { ready: unavailable('Restore has failed at the backup manager.'), inProgress: false };
    case 'deleted':
      return { ready: unavailable('Restore has been deleted at the backup manager.'), inProgress: false };
    default:
      return {
        ready: unavailable('Cannot determine the state of the restore.'),
        error: `cannot determine the state of the restore: the backup manager returned the unknown status ${JSON.stringify(state ?? null)}`,
        inProgress: false,
      };
  }
}

/**
 * Whether a backup can be restored. Undefined when it can; otherwise why not, and whether
 * waiting helps (a running backup) or not (a failed or deleted one).
 */
export function restorableBackup(
  backupName: string,
  status: string | undefined,
): { message: string; wait: boolean } | undefined {
  switch (status) {
    case 'done':
      return undefined;
    case undefined:
    case 'queued':
    case 'running':
      return { message: `waiting for backup ${backupName} to finish before restoring it`, wait: true };
    case 'failed':
      return {
        message: `backup ${backupName} has failed and cannot be restored: take a new backup and restore that one`,
        wait: false,
      };
    case 'deleted':
      return {
        message: `backup ${backupName} has been deleted at the backup manager and cannot be restored`,
        wait: false,
      };
    default:
      return {
        message: `backup ${backupName} is in the unknown state ${JSON.stringify(status)}`,
        wait: false,
      };
  }
}

/** Whether deleting a Restore has to wait: the backup manager cannot cancel a restore in progress. */
export function restoreDeletionBlocked(state: string | undefined): string | undefined {
  return state === 'queued' || state === 'running'
    ? `The restore is still ${state} at the backup manager and cannot be cancelled; deletion continues once it has finished.`
    : undefined;
}
