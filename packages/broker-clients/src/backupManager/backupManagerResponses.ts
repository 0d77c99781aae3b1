import {
  describeJsonType,
  isJsonObject,
  MalformedBodyError,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requiredString,
  type JsonObject,
} from '../http/jsonBody.js';
import type {
  Backup,
  CreatedBackup,
  CreatedRestore,
  InstanceBackupConfig,
  Restore,
} from './backupManagerTypes.js';

/** Ids are integers; some backup managers send them as digit strings. */
function integerId(obj: JsonObject, key: string, where = ''): number {
  const v = obj[key];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  if (v === undefined || v === null) throw new MalformedBodyError(`${where}"${key}" is missing`);
  throw new MalformedBodyError(`${where}"${key}" is ${describeJsonType(v)}, not an integer id`);
}

function optionalIntegerId(obj: JsonObject, key: string, where = ''): number | undefined {
  return obj[key] === undefined || obj[key] === null ? undefined : integerId(obj, key, where);
}

/** Timestamps are passed through as the text the backup manager sent. */
function optionalTimestamp(obj: JsonObject, key: string, where = ''): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new MalformedBodyError(`${where}"${key}" is ${describeJsonType(v)}, not a timestamp`);
}

function compact<T extends object>(obj: T): T {
  for (const [k, v] of Object.entries(obj)) if (v === undefined) delete (obj as Record<string, unknown>)[k];
  return obj;
}

export function parseCreatedBackup(body: JsonObject): CreatedBackup {
  return compact({ id: integerId(body, 'id'), message: optionalString(body, 'message') });
}

export function parseBackup(body: JsonObject, where = ''): Backup {
  return compact({
    id: integerId(body, 'id', where),
    size: optionalNumber(body, 'size', where),
    status: requiredString(body, 'status', where),
    triggeredAt: optionalTimestamp(body, 'triggered_at', where),
    finishedAt: optionalTimestamp(body, 'finished_at', where),
    downloadable: optionalBoolean(body, 'downloadable', where),
  });
}

export function parseCreatedRestore(body: JsonObject): CreatedRestore {
  return { id: integerId(body, 'id') };
}

export function parseRestore(body: JsonObject, where = ''): Restore {
  return compact({
    id: integerId(body, 'id', where),
    backupId: optionalIntegerId(body, 'backup_id', where),
    status: requiredString(body, 'status', where),
    triggeredAt: optionalTimestamp(body, 'triggered_at', where),
    finishedAt: optionalTimestamp(body, 'finished_at', where),
  });
}

export function parseList<T>(value: unknown, read: (item: JsonObject, where: string) => T): T[] {
  if (!Array.isArray(value))
    throw new MalformedBodyError(`the body is JSON ${describeJsonType(value)}, not an array`);
  return value.map((item, i) => {
    if (!isJsonObject(item))
      throw new MalformedBodyError(`entry ${i + 1} is ${describeJsonType(item)}, not an object`);
    return read(item, `entry ${i + 1}: `);
  });
}

export function parseInstanceConfig(body: JsonObject): InstanceBackupConfig {
  return compact({
    minBackupCount: optionalNumber(body, 'min_backup_count'),
    retentionTime: optionalNumber(body, 'retention_time'),
    minEncryptionKeyLength: optionalNumber(body, 'min_encryption_key_length'),
    excludeFromAutoBackup: optionalBoolean(body, 'exclude_from_auto_backup'),
    backupType: optionalString(body, 'backup_type'),
  });
}

export function parseMessage(body: JsonObject): { message?: string } {
  return compact({ message: optionalString(body, 'message') });
}
