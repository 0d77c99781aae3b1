export interface RenewableBinding {
  expiresAt?: Date;
  renewBefore?: Date;
  /** When the binding was created; lets the default renew point be relative to its lifetime. */
  createdAt?: Date;
}

export interface RenewalPolicy {
  /**
   * Without renew_before, renew when this fraction of the lifetime has passed (needs
   * createdAt). Default 0.8.
   */
  lifetimeFraction?: number;
  /** Without renew_before and createdAt, renew this long before expires_at. Default 10 minutes. */
  marginMs?: number;
}

/**
 * Whether a binding should be replaced (OSB 2.17 rotation: bind again with
 * predecessor_binding_id). The broker's renew_before wins; a binding without
 * expires_at never needs renewal.
 */
export function bindingNeedsRenewal(
  binding: RenewableBinding,
  now: Date,
  policy: RenewalPolicy = {},
): boolean {
  const t = now.getTime();
  if (binding.renewBefore) return t >= binding.renewBefore.getTime();
  if (!binding.expiresAt) return false;
  const expires = binding.expiresAt.getTime();
  if (binding.createdAt && binding.createdAt.getTime() < expires) {
    const fraction = policy.lifetimeFraction ?? 0.8;
    const created = binding.createdAt.getTime();
    return t >= created + (expires - created) * fraction;
  }
  return t >= expires - (policy.marginMs ?? 10 * 60_000);
}
