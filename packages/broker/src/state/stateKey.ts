import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Accepts 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`) or as 64 hex digits. */
export function parseStateKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error(
      `${source} must be 32 random bytes, base64-encoded (e.g. from "openssl rand -base64 32") or as 64 hex digits`,
    );
  }
  return key;
}

/**
 * The key that encrypts secrets in the state database. It never lives in that database: either the
 * operator passes it, or it is kept in a file (created on first start, mode 0600) next to the backups.
 */
export async function loadStateKey(options: { key?: string; keyFile: string }): Promise<Buffer> {
  if (options.key !== undefined && options.key !== '')
    return parseStateKey(options.key, 'the state encryption key');
  try {
    return parseStateKey(await readFile(options.keyFile, 'utf8'), `the state key file ${options.keyFile}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(options.keyFile), { recursive: true, mode: 0o700 });
  try {
    await writeFile(options.keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another broker created it first; use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseStateKey(await readFile(options.keyFile, 'utf8'), `the state key file ${options.keyFile}`);
}
