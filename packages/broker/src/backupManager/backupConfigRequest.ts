import { badRequest } from '../http/httpErrors.js';
import { minEncryptionKeyLength } from './backupViews.js';

export interface BackupConfigChange {
  encryptionKey?: string;
  excludeFromAutoBackup?: boolean;
  credentialsUpdatedByUser?: boolean;
}

const fields = ['encryption_key', 'exclude_from_auto_backup', 'credentials_updated_by_user'];

/** Body of `PUT /instances/:id`: at least one of the three fields. */
export function parseBackupConfigChange(body: unknown): BackupConfigChange {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`The request needs a JSON object body with at least one of ${fields.join(', ')}.`);
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !fields.includes(k));
  if (unknown.length > 0) {
    throw badRequest(
      `Unknown field(s) ${unknown.join(', ')}; the instance settings are ${fields.join(', ')}.`,
    );
  }
  const change: BackupConfigChange = {};
  if (b.encryption_key !== undefined) {
    if (typeof b.encryption_key !== 'string' || b.encryption_key.length < minEncryptionKeyLength) {
      throw badRequest(`encryption_key must be a string of at least ${minEncryptionKeyLength} characters.`);
    }
    change.encryptionKey = b.encryption_key;
  }
  for (const [key, prop] of [
    ['exclude_from_auto_backup', 'excludeFromAutoBackup'],
    ['credentials_updated_by_user', 'credentialsUpdatedByUser'],
  ] as const) {
    if (b[key] === undefined) continue;
    if (typeof b[key] !== 'boolean') throw badRequest(`${key} must be true or false.`);
    change[prop] = b[key];
  }
  if (Object.keys(change).length === 0) {
    throw badRequest(`The request changes nothing; send at least one of ${fields.join(', ')}.`);
  }
  return change;
}
