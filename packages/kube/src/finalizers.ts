import type { KubeObject } from './kubeObject.js';
import type { ResourceClient } from './resourceClient.js';

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

export function isBeingDeleted(obj: KubeObject): boolean {
  return obj.metadata.deletionTimestamp !== undefined && obj.metadata.deletionTimestamp !== null;
}

/**
 * Finalizer changes are merge patches of the whole list with the object's
 * resourceVersion as precondition: another writer's finalizer added in
 * between makes this fail with 409 instead of being silently dropped.
 */
async function writeFinalizers<T extends KubeObject>(
  client: ResourceClient<T>,
  obj: T,
  finalizers: string[],
  signal?: AbortSignal,
): Promise<T> {
  const name = obj.metadata.name;
  if (!name) throw new Error('object has no metadata.name');
  return client.patch(
    name,
    { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion, uid: obj.metadata.uid } },
    'merge',
    { namespace: obj.metadata.namespace, signal },
  );
}

/** Adds the finalizer if missing; returns the updated object (or `obj` unchanged). */
export async function addFinalizer<T extends KubeObject>(
  client: ResourceClient<T>,
  obj: T,
  finalizer: string,
  signal?: AbortSignal,
): Promise<T> {
  if (hasFinalizer(obj, finalizer)) return obj;
  return writeFinalizers(client, obj, [...(obj.metadata.finalizers ?? []), finalizer], signal);
}

/** Removes the finalizer if present; returns the updated object (or `obj` unchanged). */
export async function removeFinalizer<T extends KubeObject>(
  client: ResourceClient<T>,
  obj: T,
  finalizer: string,
  signal?: AbortSignal,
): Promise<T> {
  if (!hasFinalizer(obj, finalizer)) return obj;
  return writeFinalizers(
    client,
    obj,
    (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer),
    signal,
  );
}
