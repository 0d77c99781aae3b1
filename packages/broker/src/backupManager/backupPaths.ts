import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** The instance id as a directory name when it is a safe one (UUIDs are), a hash of it otherwise. */
export function instanceBackupDirectory(backupDir: string, instanceId: string): string {
  const safe = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(instanceId) && !instanceId.includes('..');
  const name = safe
    ? instanceId
    : `instance-${createHash('sha256').update(instanceId).digest('hex').slice(0, 32)}`;
  return join(backupDir, name);
}

export function backupFilePath(backupDir: string, instanceId: string, backupId: number): string {
  return join(instanceBackupDirectory(backupDir, instanceId), `${backupId}.bin`);
}

/** Where a restore keeps the decrypted dump while it runs. */
export function restoreScratchFile(backupDir: string, restoreId: number): string {
  return join(backupDir, '.restore-scratch', `${restoreId}.dump`);
}
