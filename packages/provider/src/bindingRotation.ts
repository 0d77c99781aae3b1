/**
 * Binding ids are the managed resource's UID, then `<uid>-1`, `<uid>-2`, ... for each rotation.
 * Deterministic ids make a retried rotation idempotent: re-sending the same bind is answered
 * with the same binding instead of creating a second one.
 */
export function nextBindingId(uid: string, currentId: string): string {
  return `${uid}-${bindingGeneration(uid, currentId) + 1}`;
}

/** 0 for the original binding (`<uid>`), n for `<uid>-n`. */
export function bindingGeneration(uid: string, currentId: string): number {
  if (currentId === uid) return 0;
  const prefix = `${uid}-`;
  if (currentId.startsWith(prefix)) {
    const n = Number(currentId.slice(prefix.length));
    if (Number.isInteger(n) && n > 0) return n;
  }
  return 0;
}

/** The shortest time between two rotations, so that a broker announcing odd times cannot cause a bind loop. */
const MIN_LIFETIME_FRACTION = 0.5;
const MIN_ROTATION_INTERVAL_MS = 30_000;
/** Without `renew_before`, renew after this fraction of the lifetime. */
const DEFAULT_RENEW_FRACTION = 0.8;

/**
 * When credentials with the given OSB binding metadata should be replaced, or undefined when they
 * do not expire. The broker's `renew_before` wins; otherwise 80 % into the lifetime. Never earlier
 * than half the lifetime (at most 30 s after issue), so a clock skew or a `renew_before` in the past
 * does not make every reconcile rotate.
 */
export function renewAt(input: {
  issuedAt: Date;
  expiresAt?: string;
  renewBefore?: string;
}): Date | undefined {
  const expires = input.expiresAt ? Date.parse(input.expiresAt) : NaN;
  const renew = input.renewBefore ? Date.parse(input.renewBefore) : NaN;
  if (Number.isNaN(expires) && Number.isNaN(renew)) return undefined;
  const issued = input.issuedAt.getTime();
  const lifetime = Number.isNaN(expires) ? renew - issued : expires - issued;
  const earliest = issued + Math.min(MIN_ROTATION_INTERVAL_MS, Math.max(0, lifetime) * MIN_LIFETIME_FRACTION);
  const wanted = Number.isNaN(renew) ? issued + lifetime * DEFAULT_RENEW_FRACTION : renew;
  return new Date(Math.max(earliest, wanted));
}

/** Whether the binding is due for rotation now, and otherwise how long until it is. */
export function rotationDue(renewAtIso: string | undefined, now: Date): { due: boolean; inMs?: number } {
  if (!renewAtIso) return { due: false };
  const at = Date.parse(renewAtIso);
  if (Number.isNaN(at)) return { due: false };
  const inMs = at - now.getTime();
  return inMs <= 0 ? { due: true } : { due: false, inMs };
}
