import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SecretBox } from './secretBox.js';
import { loadStateKey, parseStateKey } from './stateKey.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips values and never stores the plaintext', () => {
    const sealed = box.sealJson({ password: 'hunter2' }, 'binding:b1');
    assert.ok(!sealed.toString('latin1').includes('hunter2'));
    assert.deepEqual(box.openJson(sealed, 'binding:b1'), { password: 'hunter2' });
  });

  it('refuses another context, another key and tampered data', () => {
    const sealed = box.seal('secret', 'binding:b1');
    assert.throws(() => box.open(sealed, 'binding:b2'), /cannot be opened/);
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'binding:b1'), /cannot be opened/);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    assert.throws(() => box.open(tampered, 'binding:b1'), /cannot be opened/);
    assert.throws(() => box.open(Buffer.from([9, 9]), 'x'), /unknown format/);
  });

  it('has a fingerprint that identifies the key', () => {
    const key = randomBytes(32);
    assert.equal(new SecretBox(key).fingerprint(), new SecretBox(key).fingerprint());
    assert.notEqual(new SecretBox(key).fingerprint(), box.fingerprint());
    assert.throws(() => new SecretBox(randomBytes(16)), /must be 32 bytes/);
  });
});

describe('state key', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('parses base64 and hex and explains other input', () => {
    const key = randomBytes(32);
    assert.deepEqual(parseStateKey(key.toString('base64'), 'k'), key);
    assert.deepEqual(parseStateKey(key.toString('hex'), 'k'), key);
    assert.throws(() => parseStateKey('short', 'the key'), /the key must be 32 random bytes/);
  });

  it('creates a key file with mode 0600 once and reads it back afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'klutch-statekey-'));
    dirs.push(dir);
    const keyFile = join(dir, 'nested', 'state.key');
    const first = await loadStateKey({ keyFile });
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    assert.deepEqual(await loadStateKey({ keyFile }), first);
    const explicit = randomBytes(32);
    assert.deepEqual(await loadStateKey({ key: explicit.toString('base64'), keyFile }), explicit);
    await writeFile(keyFile, 'garbage');
    await assert.rejects(loadStateKey({ keyFile }), /state key file .* must be 32 random bytes/);
    assert.equal(await readFile(keyFile, 'utf8'), 'garbage');
  });
});
