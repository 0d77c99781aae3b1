import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Backup file layout: magic (8) | salt (16) | iv (12) | AES-256-GCM ciphertext | tag (16).
 * The header is authenticated as additional data. The key is scrypt(passphrase, salt), so a file can
 * be decrypted with the instance's passphrase alone if the broker's state is ever lost.
 */
const magic = Buffer.from('KLBKUP01', 'ascii');
const saltLength = 16;
const ivLength = 12;
const tagLength = 16;
const headerLength = magic.length + saltLength + ivLength;

export function newBackupSalt(): Buffer {
  return randomBytes(saltLength);
}

export function deriveBackupKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, 32, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Encrypts `source` into `path`; returns the file size. */
export async function writeEncryptedBackup(
  source: Readable,
  path: string,
  key: Buffer,
  salt: Buffer,
): Promise<number> {
  const iv = randomBytes(ivLength);
  const header = Buffer.concat([magic, salt, iv]);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(header);
  const out = createWriteStream(path, { mode: 0o600 });
  out.write(header);
  await pipeline(source, cipher, out);
  await appendFile(path, cipher.getAuthTag());
  return (await stat(path)).size;
}

/** The salt of a backup file (to re-derive its key from a passphrase). */
export async function readBackupSalt(path: string): Promise<Buffer> {
  return (await readHeader(path)).subarray(magic.length, magic.length + saltLength);
}

async function readHeader(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(headerLength);
    const { bytesRead } = await handle.read(header, 0, headerLength, 0);
    if (bytesRead < headerLength || !header.subarray(0, magic.length).equals(magic)) {
      throw new Error(`${path} is not a Klutch broker backup file`);
    }
    return header;
  } finally {
    await handle.close();
  }
}

/**
 * Decrypts a backup file into `destination`. The authentication tag is checked before this returns,
 * so a tampered or wrongly keyed file never reaches a database.
 */
export async function decryptBackup(path: string, key: Buffer, destination: string): Promise<void> {
  const size = (await stat(path)).size;
  if (size < headerLength + tagLength) throw new Error(`${path} is truncated`);
  const header = await readHeader(path);
  const tag = Buffer.alloc(tagLength);
  const handle = await open(path, 'r');
  try {
    await handle.read(tag, 0, tagLength, size - tagLength);
  } finally {
    await handle.close();
  }
  const decipher = createDecipheriv('aes-256-gcm', key, header.subarray(magic.length + saltLength));
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  const bodyLength = size - headerLength - tagLength;
  const out = createWriteStream(destination, { mode: 0o600 });
  try {
    if (bodyLength === 0) {
      decipher.final();
      out.end();
      await new Promise<void>((resolve, reject) => out.once('finish', resolve).once('error', reject));
    } else {
      await pipeline(
        createReadStream(path, { start: headerLength, end: size - tagLength - 1 }),
        decipher,
        out,
      );
    }
  } catch (err) {
    if ((err as Error).message.includes('authenticate')) {
      throw new Error(`backup file ${path} failed its integrity check: wrong key or corrupted file`, {
        cause: err,
      });
    }
    throw err;
  }
}
