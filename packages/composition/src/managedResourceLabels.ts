import type { KubeObject } from '@klutch/kube';

/** Labels that tie a managed resource to its claim; the provider finds related resources through them. */
export const claimNameLabel = 'crossplane.io/claim-name';
export const claimNamespaceLabel = 'crossplane.io/claim-namespace';
export const instanceTypeLabel = 'klutch.io/instance-type';

export interface ClaimIdentity {
  namespace: string;
  name: string;
}

export function managedResourceLabels(claim: ClaimIdentity, instanceType: string): Record<string, string> {
  return {
    [claimNameLabel]: claim.name,
    [claimNamespaceLabel]: claim.namespace,
    [instanceTypeLabel]: instanceType,
  };
}

/** The claim a managed resource belongs to according to its labels, if it has both. */
export function claimOf(mr: KubeObject): ClaimIdentity | undefined {
  const name = mr.metadata.labels?.[claimNameLabel];
  const namespace = mr.metadata.labels?.[claimNamespaceLabel];
  return name && namespace ? { namespace, name } : undefined;
}

/**
 * Whether a managed resource may be managed for this claim. Managed resources are cluster-scoped
 * and claims namespaced, so there is no ownerReference: the claim labels are the ownership record.
 * A resource labelled for another claim (or not labelled at all) is never taken over.
 */
export function belongsToClaim(mr: KubeObject, claim: ClaimIdentity): boolean {
  const owner = claimOf(mr);
  return owner !== undefined && owner.name === claim.name && owner.namespace === claim.namespace;
}

const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Why a claim name cannot be recorded in a label, if it cannot: label values are limited to
 * 63 characters, while object names may be up to 253.
 */
export function claimNameLabelProblem(name: string): string | undefined {
  if (name.length <= 63 && labelValue.test(name)) return undefined;
  return `the name ${JSON.stringify(name)} is ${name.length} characters long; data-service objects need names of at most 63 characters because the name is recorded in the label ${claimNameLabel}. Create the object again with a shorter name.`;
}
