/** Structural JSON helpers shared by the parameter diff and drift detection. */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep equality of JSON values in which arrays are multisets: brokers may report list parameters
 * (databases, role privileges, TLS protocols) in another order than they were requested, and
 * that must not count as a change.
 */
export function jsonEqualIgnoringArrayOrder(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const unmatched: unknown[] = [...(b as unknown[])];
    for (const x of a) {
      const i = unmatched.findIndex((y) => jsonEqualIgnoringArrayOrder(x, y));
      if (i < 0) return false;
      unmatched.splice(i, 1);
    }
    return true;
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => k in b && jsonEqualIgnoringArrayOrder(a[k], b[k]));
  }
  return false;
}
