import { createHash } from 'node:crypto';

/** Namespaces, label values and anything else that must be a DNS label (RFC 1123). */
export const maxDnsLabelLength = 63;
/** Most object names (Secrets, ConfigMaps, cluster-scoped custom objects): DNS subdomains. */
export const maxDnsSubdomainLength = 253;

const hashSuffixLength = 10;

/**
 * A generated name that fits `maxLength`: unchanged when it fits, else its beginning plus `-`
 * and the first 10 hex digits of sha256(`hashInput`), so a capped name is stable across restarts
 * and distinct per input. A cut that would end in `.` or `-` is trimmed (`.-` is not a valid
 * name, `--` is ugly). `hashInput` defaults to the full name; a caller whose names already exist
 * with another hash input passes that, so no existing object is renamed.
 */
export function capName(full: string, maxLength: number, hashInput: string = full): string {
  if (full.length <= maxLength) return full;
  const hash = createHash('sha256').update(hashInput).digest('hex').slice(0, hashSuffixLength);
  const head = full.slice(0, maxLength - hashSuffixLength - 1).replace(/[.-]+$/, '');
  return `${head}-${hash}`;
}
