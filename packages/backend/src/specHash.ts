import { createHash } from 'node:crypto';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** JSON with object keys sorted at every level and undefined members dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}

function canonicalize(value: unknown): Json {
  if (value === null || typeof value !== 'object') {
    return (value === undefined ? null : value) as Json;
  }
  if (Array.isArray(value)) return value.map((v) => canonicalize(v));
  const out: { [k: string]: Json } = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = canonicalize(v);
  }
  return out;
}

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Base-62 digits of a byte string read as one big-endian number (as the Go reference does). */
export function base62(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (n === 0n) return '0';
  let out = '';
  while (n > 0n) {
    out = alphabet[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

/**
 * The `klutch.anynines.com/source-spec-hash` of an export: base62(SHA-224) of the canonical JSON
 * of the CRD-derived spec. The Go reference hashes Go's field order instead; only
 * self-consistency matters, because the hash is only ever compared with one this backend wrote
 * (a Go-written export gets its spec rewritten once, to the same content).
 */
export function specHash(spec: unknown): string {
  return base62(createHash('sha224').update(canonicalJson(spec)).digest());
}
