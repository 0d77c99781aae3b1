export interface CredentialTimings {
  /** Lifetime asked for in the TokenRequest (the API server's minimum is 10 minutes). Default 24 h. */
  tokenLifetimeSeconds: number;
  /** A token is replaced this long before it expires. Default: a third of the lifetime. */
  renewBeforeMs: number;
}

export function defaultCredentialTimings(tokenLifetimeSeconds = 86_400): CredentialTimings {
  return { tokenLifetimeSeconds, renewBeforeMs: (tokenLifetimeSeconds * 1000) / 3 };
}

/**
 * Whether a kubeconfig whose token expires at `expiresAt` must be re-issued now, and otherwise
 * when to look again. A missing or unreadable expiry means "renew now".
 */
export function renewalDue(
  expiresAt: string | undefined,
  now: Date,
  timings: CredentialTimings,
): { renewNow: true } | { renewNow: false; recheckAfterMs: number } {
  const at = expiresAt ? Date.parse(expiresAt) : Number.NaN;
  if (Number.isNaN(at)) return { renewNow: true };
  const wait = at - timings.renewBeforeMs - now.getTime();
  return wait <= 0 ? { renewNow: true } : { renewNow: false, recheckAfterMs: wait };
}
