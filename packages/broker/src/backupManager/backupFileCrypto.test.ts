import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  decryptBackup,
  deriveBackupKey,
  newBackupSalt,
  readBackupSalt,
  writeEncryptedBackup,
} from './backupFileCrypto.js';

describe('backup file encryption', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'klutch-backupcrypto-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a large stream and keeps the plaintext out of the file', async () => {
    const salt = newBackupSalt();
    const key = await deriveBackupKey('a passphrase', salt);
    const plaintext = Buffer.concat([Buffer.from('SECRET-ROW '), randomBytes(3 * 1024 * 1024)]);
    const file = join(dir, '1.bin');
    const size = await writeEncryptedBackup(Readable.from([plaintext]), file, key, salt);
    assert.equal(size, plaintext.length + 8 + 16 + 12 + 16);
    assert.ok(!(await readFile(file)).includes(Buffer.from('SECRET-ROW')));
    await decryptBackup(file, key, join(dir, '1.out'));
    assert.ok((await readFile(join(dir, '1.out'))).equals(plaintext));
    // The passphrase and the salt in the file are enough to decrypt.
    const again = await deriveBackupKey('a passphrase', await readBackupSalt(file));
    assert.ok(again.equals(key));
  });

  it('detects a wrong key and a modified file', async () => {
    const salt = newBackupSalt();
    const key = await deriveBackupKey('right', salt);
    const file = join(dir, '2.bin');
    await writeEncryptedBackup(Readable.from([Buffer.from('hello world')]), file, key, salt);
    await assert.rejects(
      decryptBackup(file, await deriveBackupKey('wrong', salt), join(dir, '2.out')),
      /integrity check/,
    );
    const bytes = await readFile(file);
    bytes[40] = (bytes[40] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    await assert.rejects(decryptBackup(file, key, join(dir, '2.out')), /integrity check/);
  });

  it('handles an empty dump and rejects files that are not backups', async () => {
    const salt = newBackupSalt();
    const key = await deriveBackupKey('p', salt);
    const file = join(dir, '3.bin');
    await writeEncryptedBackup(Readable.from([]), file, key, salt);
    await decryptBackup(file, key, join(dir, '3.out'));
    assert.equal((await readFile(join(dir, '3.out'))).length, 0);
    await writeFile(join(dir, 'junk.bin'), Buffer.alloc(100));
    await assert.rejects(
      decryptBackup(join(dir, 'junk.bin'), key, join(dir, 'x')),
      /not a Klutch broker backup file/,
    );
  });
});
