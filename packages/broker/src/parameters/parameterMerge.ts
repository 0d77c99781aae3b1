export type Parameters = Record<string, unknown>;

/**
 * Applies an OSB update's parameters to the current ones: a key set to null is removed (that is how
 * the provider says "no longer set"), every other key replaces the old value.
 */
export function mergeParameterPatch(current: Parameters, patch: Parameters): Parameters {
  const merged: Parameters = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** The patch without its removals: what must validate against the update schema. */
export function patchAssignments(patch: Parameters): Parameters {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null));
}

/** Structural equality with object keys in any order (arrays keep their order). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}
