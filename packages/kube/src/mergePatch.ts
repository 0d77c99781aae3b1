import type { KubeObject } from './kubeObject.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The RFC 7386 JSON merge patch that turns `original` into `modified`
 * (removed keys become null; arrays are replaced whole). Undefined when
 * nothing changed.
 */
export function createMergePatch(original: unknown, modified: unknown): Json | undefined {
  if (!isObject(original) || !isObject(modified)) {
    return deepEqual(original, modified) ? undefined : ((modified ?? null) as Json);
  }
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(original)) {
    if (original[key] !== undefined && modified[key] === undefined) patch[key] = null;
  }
  for (const [key, value] of Object.entries(modified)) {
    if (value === undefined) continue;
    const sub = createMergePatch(original[key], value);
    if (sub !== undefined) patch[key] = sub;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

export { deepEqual };

/**
 * A merge patch carrying the original's UID and resourceVersion: the server
 * rejects it with 409 Conflict when the object changed (or was replaced)
 * since it was read, so a reconcile never overwrites someone else's write.
 */
export function createMergePatchWithPreconditions(
  original: KubeObject,
  modified: KubeObject,
): Json | undefined {
  const patch = createMergePatch(original, modified);
  if (patch === undefined) return undefined;
  const p = patch as Record<string, Json>;
  const meta = isObject(p.metadata) ? (p.metadata as Record<string, Json>) : {};
  if (original.metadata.uid) meta.uid = original.metadata.uid;
  if (original.metadata.resourceVersion) meta.resourceVersion = original.metadata.resourceVersion;
  p.metadata = meta;
  return p;
}
