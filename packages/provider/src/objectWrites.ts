import { createMergePatch, type KubeObject, type ResourceClient } from '@klutch/kube';

/**
 * Writes `status` through the status subresource as a merge patch of what changed, and returns
 * the updated object (or the original when nothing changed, so an unchanged reconcile writes
 * nothing and triggers no watch event). The provider is the only writer of these statuses, so
 * the patch is pinned to the object's uid only: a concurrent spec or label change must not make a
 * status write (for example the record of a started broker operation) fail.
 */
export async function writeStatus<T extends KubeObject>(
  client: ResourceClient<T>,
  original: T,
  status: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const patch = createMergePatch({ status: original.status ?? {} }, { status });
  if (patch === undefined) return original;
  const name = original.metadata.name;
  if (!name) throw new Error('object has no metadata.name');
  return client.patch(
    name,
    { ...(patch as Record<string, unknown>), metadata: { uid: original.metadata.uid } },
    'merge',
    { namespace: original.metadata.namespace, subresource: 'status', signal },
  );
}

/**
 * Sets (string) or removes (null) annotations with the read resourceVersion as precondition,
 * so that another writer's change in between fails with a conflict instead of being lost.
 */
export async function writeAnnotations<T extends KubeObject>(
  client: ResourceClient<T>,
  original: T,
  annotations: Record<string, string | null>,
  signal?: AbortSignal,
): Promise<T> {
  const current = original.metadata.annotations ?? {};
  const changed = Object.entries(annotations).filter(([k, v]) =>
    v === null ? k in current : current[k] !== v,
  );
  if (changed.length === 0) return original;
  const name = original.metadata.name;
  if (!name) throw new Error('object has no metadata.name');
  return client.patch(
    name,
    {
      metadata: {
        uid: original.metadata.uid,
        resourceVersion: original.metadata.resourceVersion,
        annotations: Object.fromEntries(changed),
      },
    },
    'merge',
    { namespace: original.metadata.namespace, signal },
  );
}
