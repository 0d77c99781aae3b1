import { deepEqual } from '@klutch/kube';
import type { KubeObject } from '@klutch/kube';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether every field of `desired` has the same value in `current` (extra fields in `current` are fine). */
function contains(current: unknown, desired: unknown): boolean {
  if (isRecord(desired)) {
    if (!isRecord(current)) return false;
    return Object.entries(desired).every(([k, v]) => v === undefined || contains(current[k], v));
  }
  return deepEqual(current, desired);
}

function sameParameters(current: unknown, desired: unknown): boolean {
  const empty = (v: unknown) => v === undefined || v === null || (isRecord(v) && Object.keys(v).length === 0);
  if (empty(current) && empty(desired)) return true;
  return deepEqual(current, desired);
}

function forProviderOf(obj: KubeObject): unknown {
  const spec = obj.spec;
  return isRecord(spec) ? spec.forProvider : undefined;
}

/**
 * Whether the managed resource already says what the claim asks for, so that no apply is needed.
 * Other writers' fields (the provider's finalizer and annotations, CRD defaults) are ignored,
 * but the broker parameters must match exactly: a parameter removed from the claim must
 * disappear from the resource.
 */
export function reflectsDesired(current: KubeObject, desired: KubeObject): boolean {
  if (!contains(current.metadata.labels ?? {}, desired.metadata.labels ?? {})) return false;
  if (!contains(current.spec, desired.spec)) return false;
  const want = forProviderOf(desired);
  const have = forProviderOf(current);
  return sameParameters(
    isRecord(have) ? have.parameters : undefined,
    isRecord(want) ? want.parameters : undefined,
  );
}
