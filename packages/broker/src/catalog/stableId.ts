import { createHash } from 'node:crypto';

/**
 * The namespace of every id the broker derives from a name. It is itself a version-5 UUID of the
 * URL below in the RFC 4122 URL namespace, so it will never collide with someone else's namespace.
 */
export const brokerIdNamespace = nameBasedUuid(
  '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  'https://klutch.io/broker',
);

/**
 * An RFC 4122 version-5 (SHA-1, name-based) UUID. Catalog ids are derived this way so that they stay
 * the same across restarts, machines and releases as long as the names do: platforms store plan ids.
 */
export function nameBasedUuid(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
  const digest = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function serviceIdFor(serviceName: string): string {
  return nameBasedUuid(brokerIdNamespace, `service/${serviceName}`);
}

/** Plan ids must be unique across the whole catalog, and every service offers the same plan names. */
export function planIdFor(serviceName: string, planName: string): string {
  return nameBasedUuid(brokerIdNamespace, `plan/${serviceName}/${planName}`);
}
