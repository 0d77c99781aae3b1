import { deepEqual } from '@klutch/kube';
import type { KubeObject, OwnerReference } from '@klutch/kube';
import {
  boundAnnotation,
  clusterNamespaceAnnotation,
  downstreamNameAnnotation,
  resourceOwnerAnnotation,
} from './konnectorNames.js';

/** Metadata that belongs to one API server and must never be copied to another. */
const serverOwnedMetadata = [
  'uid',
  'resourceVersion',
  'managedFields',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
  'finalizers',
  'creationTimestamp',
  'generation',
  'selfLink',
] as const;

/** Where a copy goes: its name and namespace on the other cluster. */
export interface CopyTarget {
  name: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
}

/** The provider Namespace that owns Prefixed copies of cluster-scoped objects. */
export interface ClusterScopedOwner {
  providerNamespace: string;
  providerNamespaceUid: string;
}

function cleanedClone(obj: KubeObject, target: CopyTarget): KubeObject {
  const copy = structuredClone(obj);
  const meta = copy.metadata;
  for (const key of serverOwnedMetadata) delete meta[key];
  meta.name = target.name;
  if (target.namespace === undefined) delete meta.namespace;
  else meta.namespace = target.namespace;
  delete copy.status;
  return copy;
}

/**
 * The upstream object created for a downstream one: the whole object (labels and annotations
 * included) without server-owned metadata and status, in the service namespace, marked bound.
 */
export function upstreamCopyForCreate(
  downstream: KubeObject,
  target: CopyTarget,
  clusterScoped?: ClusterScopedOwner,
): KubeObject {
  const copy = cleanedClone(downstream, target);
  copy.metadata.annotations = { ...copy.metadata.annotations, [boundAnnotation]: 'true' };
  if (clusterScoped) {
    copy.metadata.annotations[clusterNamespaceAnnotation] = clusterScoped.providerNamespace;
    const name = downstream.metadata.name ?? '';
    // A capped upstream name cannot be read back: record the downstream name.
    if (target.name !== `${clusterScoped.providerNamespace}-${name}`)
      copy.metadata.annotations[downstreamNameAnnotation] = name;
    copy.metadata.ownerReferences = [providerNamespaceOwnerReference(clusterScoped)];
  }
  return copy;
}

/** The ownerReference of a Prefixed upstream copy: deleting the provider namespace cascades. */
export function providerNamespaceOwnerReference(owner: ClusterScopedOwner): OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    name: owner.providerNamespace,
    uid: owner.providerNamespaceUid,
  };
}

/**
 * What the spec sync applies upstream (server-side apply, field manager klutch.anynines.com):
 * identity, the bound marker and the downstream spec, nothing else.
 */
export function upstreamSpecApply(downstream: KubeObject, target: CopyTarget): KubeObject {
  const metadata: KubeObject['metadata'] = { name: target.name, annotations: { [boundAnnotation]: 'true' } };
  if (target.namespace !== undefined) metadata.namespace = target.namespace;
  const obj: KubeObject = { apiVersion: downstream.apiVersion, kind: downstream.kind, metadata };
  if (downstream.spec !== undefined) obj.spec = structuredClone(downstream.spec);
  return obj;
}

/** Whether the upstream spec already equals the downstream one. */
export function specInSync(downstream: KubeObject, upstream: KubeObject): boolean {
  return deepEqual(downstream.spec, upstream.spec);
}

/**
 * The downstream object created when adopting a provider-created upstream object: same content,
 * marked bound, without the provider-side cluster-namespace marker. Status follows via /status.
 */
export function downstreamCopyForAdopt(upstream: KubeObject, target: CopyTarget): KubeObject {
  const copy = cleanedClone(upstream, target);
  const annotations: Record<string, string> = { ...copy.metadata.annotations, [boundAnnotation]: 'true' };
  delete annotations[clusterNamespaceAnnotation];
  delete annotations[downstreamNameAnnotation];
  copy.metadata.annotations = annotations;
  return copy;
}

export type ClaimOwner = 'Provider' | 'Consumer';

/** The copy of a claimed object (Secret, ConfigMap) that the owner side imposes on the other side. */
export function claimedCopy(source: KubeObject, target: CopyTarget, owner: ClaimOwner): KubeObject {
  const copy = cleanedClone(source, target);
  copy.metadata.annotations = { ...copy.metadata.annotations, [resourceOwnerAnnotation]: owner };
  return copy;
}

/** Whether `current` differs from `desired` in content, labels or annotations. */
export function claimedCopyDiffers(current: KubeObject, desired: KubeObject): boolean {
  const content = (o: KubeObject) => {
    const rest: Record<string, unknown> = { ...o };
    delete rest.metadata;
    delete rest.status;
    delete rest.apiVersion;
    delete rest.kind;
    return rest;
  };
  return (
    !deepEqual(content(current), content(desired)) ||
    !deepEqual(current.metadata.labels ?? {}, desired.metadata.labels ?? {}) ||
    !deepEqual(current.metadata.annotations ?? {}, desired.metadata.annotations ?? {})
  );
}
