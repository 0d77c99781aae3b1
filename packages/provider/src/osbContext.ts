import { claimOf } from './claimReferences.js';
import type { OriginatingIdentityField } from './managedResources.js';

/** Who the provider is, as the Kubernetes API server knows it, and which cluster it runs in. */
export interface PlatformIdentity {
  /** e.g. `system:serviceaccount:klutch-system:klutch-provider`. */
  username: string;
  uid?: string;
  groups?: string[];
  /** UID of the kube-system namespace: the usual stable cluster id. */
  clusterId?: string;
}

/**
 * The OSB `context` for the Kubernetes platform profile: the namespace and name of the claim the
 * resource was composed for, and the cluster. Entries of `spec.forProvider.context` are kept, but
 * cannot change the platform.
 */
export function kubernetesContext(
  mr: { metadata: { name?: string; labels?: Record<string, string> } },
  specContext: Record<string, string> | undefined,
  platform: PlatformIdentity,
): Record<string, unknown> {
  const claim = claimOf(mr);
  const ctx: Record<string, unknown> = { ...specContext };
  ctx.platform = 'kubernetes';
  if (claim.namespace) ctx.namespace = claim.namespace;
  ctx.instance_name = claim.name ?? mr.metadata.name;
  if (platform.clusterId) ctx.clusterid = platform.clusterId;
  return ctx;
}

/** The originating identity as the OSB header carries it: the value is always a JSON object. */
export interface OsbOriginatingIdentity {
  platform: string;
  value: Record<string, unknown>;
}

/**
 * The value of an originating identity as an object. Klutch v1.5 declares the field as a string
 * holding serialized JSON, so a string is parsed; one that is not a JSON object is passed on as
 * `{"value": <string>}` rather than dropped, so the broker's audit log still shows what was given.
 */
export function identityValue(value: string | Record<string, unknown>): Record<string, unknown> {
  if (typeof value !== 'string') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: kept as a plain string below.
  }
  return { value };
}

/**
 * The OSB originating identity: an explicit `spec.forProvider.originatingIdentity`, else the
 * provider's own Kubernetes identity, with the claim it acts for in `extra` so that broker audit
 * logs name the app team's object.
 */
export function originatingIdentity(
  mr: { metadata: { name?: string; labels?: Record<string, string> } },
  explicit: OriginatingIdentityField | undefined,
  platform: PlatformIdentity,
): OsbOriginatingIdentity {
  if (explicit) return { platform: explicit.platform, value: identityValue(explicit.value) };
  const claim = claimOf(mr);
  const value: Record<string, unknown> = { username: platform.username };
  if (platform.uid) value.uid = platform.uid;
  if (platform.groups?.length) value.groups = platform.groups;
  if (claim.name && claim.namespace)
    value.extra = { 'klutch.io/claim': [`${claim.namespace}/${claim.name}`] };
  return { platform: 'kubernetes', value };
}
