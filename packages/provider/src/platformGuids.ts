import { createHash } from 'node:crypto';
import { claimOf } from './claimReferences.js';
import type { PlatformIdentity } from './osbContext.js';

/** A name-based (version 5, SHA-1) UUID: the same namespace and name always give the same GUID. */
export function nameBasedGuid(namespaceGuid: string, name: string): string {
  const ns = Buffer.from(namespaceGuid.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The root of every derived GUID (a fixed, random UUID of Klutch). */
const klutchNamespace = '5d3b8e2a-7c41-4f0e-9a6d-2b9c1e0f4a77';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `organization_guid` and `space_guid` of a provision (OSB 2.17 requires both). In order:
 * the ServiceInstance's own fields, the ProviderConfig's, else derived so that they never change
 * for the same consumer: the organization from the control-plane cluster (the UID of its
 * kube-system namespace, or the provider's user name when it is not known), the space from the
 * cluster and the namespace of the consumer's claim (the resource name for a resource
 * without a claim).
 */
export function provisionGuids(input: {
  mr: { metadata: { name?: string; labels?: Record<string, string> } };
  instance: { organizationGuid?: string; spaceGuid?: string };
  providerConfig: { organizationGuid?: string; spaceGuid?: string };
  platform: PlatformIdentity;
}): { organizationGuid: string; spaceGuid: string } {
  const derivedOrg =
    input.platform.clusterId && uuidPattern.test(input.platform.clusterId)
      ? input.platform.clusterId.toLowerCase()
      : nameBasedGuid(klutchNamespace, `cluster/${input.platform.clusterId ?? input.platform.username}`);
  const organizationGuid =
    input.instance.organizationGuid || input.providerConfig.organizationGuid || derivedOrg;
  const claim = claimOf(input.mr);
  const space = claim.namespace ? `namespace/${claim.namespace}` : `resource/${input.mr.metadata.name ?? ''}`;
  const spaceGuid =
    input.instance.spaceGuid || input.providerConfig.spaceGuid || nameBasedGuid(derivedOrg, space);
  return { organizationGuid, spaceGuid };
}
