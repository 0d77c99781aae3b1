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

/**
 * The OSB originating identity: an explicit `spec.forProvider.originatingIdentity`, else the
 * provider's own Kubernetes identity, with the claim it acts for in `extra` so that broker audit
 * logs name the app team's object.
 */
export function originatingIdentity(
  mr: { metadata: { name?: string; labels?: Record<string, string> } },
  explicit: OriginatingIdentityField | undefined,
  platform: PlatformIdentity,
): OriginatingIdentityField {
  if (explicit) return explicit;
  const claim = claimOf(mr);
  const value: Record<string, unknown> = { username: platform.username };
  if (platform.uid) value.uid = platform.uid;
  if (platform.groups?.length) value.groups = platform.groups;
  if (claim.name && claim.namespace)
    value.extra = { 'klutch.io/claim': [`${claim.namespace}/${claim.name}`] };
  return { platform: 'kubernetes', value };
}
