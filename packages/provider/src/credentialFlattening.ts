import { isJsonObject } from './jsonValues.js';

/** Characters Kubernetes allows in Secret data keys; anything else becomes `_`. */
const INVALID_KEY_CHARS = /[^-._a-zA-Z0-9]/g;

function secretKey(path: string): string {
  return path.replace(INVALID_KEY_CHARS, '_');
}

/**
 * The broker's credentials as flat Secret entries (the shared connection-secret contract): nested
 * objects become keys joined with `.` (`tls.ca`), arrays are JSON-encoded strings, scalars are
 * strings. Nulls carry no value and are left out. Applications and the composition controller
 * read these keys directly, so nothing else is added.
 */
export function flattenCredentials(credentials: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (prefix: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (isJsonObject(value)) {
      for (const [k, v] of Object.entries(value)) visit(prefix ? `${prefix}.${k}` : k, v);
      return;
    }
    if (!prefix) return;
    if (Array.isArray(value)) out[secretKey(prefix)] = JSON.stringify(value);
    else if (typeof value === 'string') out[secretKey(prefix)] = value;
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      out[secretKey(prefix)] = String(value);
    else out[secretKey(prefix)] = JSON.stringify(value);
  };
  visit('', credentials);
  return out;
}
