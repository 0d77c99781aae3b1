import { createHash, randomBytes } from 'node:crypto';

/**
 * Names of the server-side objects that make up one instance. They are derived from a hash of the
 * instance id rather than from the id itself because OSB ids are arbitrary strings: a hash is always
 * a safe identifier, never too long (PostgreSQL 63 bytes, MariaDB 64) and shared by both engines.
 */
export interface InstanceResourceNames {
  /** The database; also the prefix of every other name of the instance. */
  database: string;
  /** PostgreSQL: the NOLOGIN role that owns the database and every object in it. */
  ownerRole: string;
  /** Every binding user starts with this, so deprovisioning can find users the state lost. */
  bindingUserPrefix: string;
  /** MariaDB: extra databases (parameter `databases`) are named `<database>_<name>`. */
  extraDatabasePrefix: string;
}

const namePrefix = 'klutch_';

function shortHash(value: string, length: number): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, length);
}

export function instanceResourceNames(instanceId: string): InstanceResourceNames {
  const database = `${namePrefix}${shortHash(`instance/${instanceId}`, 20)}`;
  return {
    database,
    ownerRole: `${database}_owner`,
    bindingUserPrefix: `${database}_b`,
    extraDatabasePrefix: `${database}_`,
  };
}

export function bindingUsername(instanceId: string, bindingId: string): string {
  return `${instanceResourceNames(instanceId).bindingUserPrefix}${shortHash(`binding/${bindingId}`, 12)}`;
}

/** 32 URL-safe characters (192 bits), so the password never needs escaping inside a URI. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** A LIKE pattern matching every name that starts with `prefix` (underscores are wildcards in LIKE). */
export function likePrefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
