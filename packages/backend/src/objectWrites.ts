import {
  createMergePatchWithPreconditions,
  deepEqual,
  isAlreadyExists,
  isNotFound,
  KubeApiError,
} from '@klutch/kube';
import type { KubeObject, OwnerReference, ResourceClient } from '@klutch/kube';
import type {
  AdmissionPolicyBindingObject,
  AdmissionPolicyObject,
  ClusterRoleObject,
  RoleBindingObject,
} from './backendObjects.js';
import { consumerWritePolicy, consumerWritePolicyBinding } from './consumerWritePolicy.js';

/** Field manager of the backend's server-side applies. */
const fieldManager = 'klutch-backend';

/** A 409 that makes the controller retry quietly: someone else created the object first. */
function raceLost(what: string): KubeApiError {
  return new KubeApiError(
    'POST',
    what,
    409,
    { reason: 'Conflict', message: `${what} appeared concurrently` },
    '',
  );
}

function withOwners(existing: OwnerReference[] | undefined, wanted: OwnerReference[] | undefined) {
  const out = [...(existing ?? [])];
  for (const w of wanted ?? []) if (!out.some((o) => o.uid === w.uid)) out.push(w);
  return out.length > 0 ? out : undefined;
}

/** Creates the ClusterRole or brings its rules (and owner references) to the desired state. */
export async function ensureClusterRole(
  client: ResourceClient<ClusterRoleObject>,
  desired: ClusterRoleObject,
  signal?: AbortSignal,
): Promise<void> {
  const name = desired.metadata.name ?? '';
  const current = await client.tryGet(name, { signal });
  if (!current) {
    try {
      await client.create(desired, { signal });
      return;
    } catch (err) {
      if (isAlreadyExists(err)) throw raceLost(`clusterrole ${name}`);
      throw err;
    }
  }
  const modified: ClusterRoleObject = {
    ...current,
    metadata: {
      ...current.metadata,
      labels: { ...current.metadata.labels, ...desired.metadata.labels },
      ownerReferences: withOwners(current.metadata.ownerReferences, desired.metadata.ownerReferences),
    },
    rules: desired.rules ?? [],
  };
  const patch = createMergePatchWithPreconditions(current, modified);
  if (patch) await client.patch(name, patch, 'merge', { signal });
}

/**
 * Creates a RoleBinding or ClusterRoleBinding, or brings its subjects to the desired state. A
 * binding with another roleRef (immutable) is deleted and created again.
 */
export async function ensureRoleBinding(
  client: ResourceClient<RoleBindingObject>,
  desired: RoleBindingObject,
  signal?: AbortSignal,
): Promise<void> {
  const name = desired.metadata.name ?? '';
  const namespace = desired.metadata.namespace;
  let current = await client.tryGet(name, { namespace, signal });
  if (current && !deepEqual(current.roleRef, desired.roleRef)) {
    await client.tryDelete(name, {
      namespace,
      preconditions: { uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion },
      signal,
    });
    current = undefined;
  }
  if (!current) {
    try {
      await client.create(desired, { signal });
      return;
    } catch (err) {
      if (isAlreadyExists(err)) throw raceLost(`binding ${namespace ?? ''}/${name}`);
      throw err;
    }
  }
  const modified: RoleBindingObject = {
    ...current,
    metadata: {
      ...current.metadata,
      ownerReferences: withOwners(current.metadata.ownerReferences, desired.metadata.ownerReferences),
    },
    subjects: desired.subjects,
  };
  const patch = createMergePatchWithPreconditions(current, modified);
  if (patch) await client.patch(name, patch, 'merge', { namespace, signal });
}

/** Deletes the object if it exists, guarded by its UID; reports whether a delete was sent. */
export async function deleteIfPresent<T extends KubeObject>(
  client: ResourceClient<T>,
  name: string,
  opts: { namespace?: string; signal?: AbortSignal } = {},
): Promise<boolean> {
  const current = await client.tryGet(name, opts);
  if (!current || current.metadata.deletionTimestamp) return false;
  try {
    await client.delete(name, { ...opts, preconditions: { uid: current.metadata.uid } });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Writes `status` through the status subresource as a merge patch that carries the read UID and
 * resourceVersion (a stale read fails with 409 and is retried). Nothing is sent when nothing changed.
 */
export async function patchStatus<T extends KubeObject & { status?: unknown }>(
  client: ResourceClient<T>,
  current: T,
  status: T['status'],
  signal?: AbortSignal,
): Promise<void> {
  const patch = createMergePatchWithPreconditions(current, { ...current, status });
  if (!patch) return;
  await client.patch(current.metadata.name ?? '', patch, 'merge', {
    namespace: current.metadata.namespace,
    subresource: 'status',
    signal,
  });
}

/**
 * Applies the consumer write policy and its binding (server-side apply: fields defaulted by the
 * API server are left alone, and an unchanged object is not written).
 */
export async function ensureConsumerWritePolicy(
  policies: ResourceClient<AdmissionPolicyObject>,
  bindings: ResourceClient<AdmissionPolicyBindingObject>,
  signal?: AbortSignal,
): Promise<void> {
  await policies.apply(consumerWritePolicy(), { fieldManager, force: true, signal });
  await bindings.apply(consumerWritePolicyBinding(), { fieldManager, force: true, signal });
}
