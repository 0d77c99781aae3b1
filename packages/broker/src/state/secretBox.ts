import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const formatVersion = 1;
const ivLength = 12;
const tagLength = 16;

/**
 * AES-256-GCM for the secrets the broker must be able to read back (binding credentials, backup
 * keys). The `context` is authenticated too, so a sealed value copied to another row does not open.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error(`the state encryption key must be 32 bytes, got ${key.length}`);
    this.key = Buffer.from(key);
  }

  seal(plaintext: Buffer | string, context: string): Buffer {
    const iv = randomBytes(ivLength);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([formatVersion]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, context: string): Buffer {
    if (sealed.length < 1 + ivLength + tagLength || sealed[0] !== formatVersion) {
      throw new Error(`sealed value for ${context} has an unknown format`);
    }
    const iv = sealed.subarray(1, 1 + ivLength);
    const tag = sealed.subarray(1 + ivLength, 1 + ivLength + tagLength);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + ivLength + tagLength)), decipher.final()]);
    } catch {
      throw new Error(
        `sealed value for ${context} cannot be opened: wrong state encryption key or corrupted data`,
      );
    }
  }

  sealJson(value: unknown, context: string): Buffer {
    return this.seal(JSON.stringify(value), context);
  }

  openJson(sealed: Buffer, context: string): unknown {
    return JSON.parse(this.open(sealed, context).toString('utf8')) as unknown;
  }

  /** Identifies the key without revealing it, to detect a broker started with the wrong key. */
  fingerprint(): string {
    return createHmac('sha256', this.key).update('klutch-broker state key check').digest('hex').slice(0, 32);
  }
}
