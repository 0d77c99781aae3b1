import type { AcceptablePermissionClaim } from '@klutch/api';
import type { KubeObject } from '@klutch/kube';
import { resourceOwnerAnnotation } from './konnectorNames.js';
import type { ClaimOwner } from './objectCopies.js';

function ownerAnnotation(obj: KubeObject | undefined): ClaimOwner | undefined {
  const v = obj?.metadata.annotations?.[resourceOwnerAnnotation];
  return v === 'Provider' || v === 'Consumer' ? v : undefined;
}

/**
 * Which side owns a claimed object: the upstream annotation, else Provider when only the upstream
 * exists, else the downstream annotation, else Consumer when only the downstream exists. With no
 * annotation on either existing copy, the claim's selector.owner decides; undefined when nothing does.
 */
export function resolveClaimOwner(
  upstream: KubeObject | undefined,
  downstream: KubeObject | undefined,
  claimOwner?: ClaimOwner,
): ClaimOwner | undefined {
  const up = ownerAnnotation(upstream);
  if (up) return up;
  if (upstream && !downstream) return 'Provider';
  const down = ownerAnnotation(downstream);
  if (down) return down;
  if (downstream && !upstream) return 'Consumer';
  return upstream && downstream ? claimOwner : undefined;
}

/**
 * Whether an object falls under a claim: its owner annotation (when set) agrees with the claim's
 * selector.owner (when set), and its name is selected (`*` or no names select every name).
 */
export function isClaimed(claim: AcceptablePermissionClaim, obj: KubeObject): boolean {
  const selectorOwner = claim.selector?.owner;
  const owner = ownerAnnotation(obj);
  if (selectorOwner && owner && owner !== selectorOwner) return false;
  const names = claim.selector?.names ?? [];
  if (names.length === 0 || names.includes('*')) return true;
  return names.includes(obj.metadata.name ?? '');
}

/** Claims the konnector syncs: only those the consumer accepted. */
export function acceptedClaims(
  claims: readonly AcceptablePermissionClaim[] | undefined,
): AcceptablePermissionClaim[] {
  return (claims ?? []).filter((c) => c.state === 'Accepted');
}
