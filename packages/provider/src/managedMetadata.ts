import type { KubeObject, ResourceClient } from '@klutch/kube';
import { externalNameAnnotation, managedResourceFinalizer } from './names.js';

/**
 * Adds the managed-resource finalizer and the external-name annotation in one metadata write
 * (guarded by the read resourceVersion). Returns the object unchanged when both are in place.
 */
export async function ensureManaged<T extends KubeObject>(
  client: ResourceClient<T>,
  obj: T,
  externalName: string | undefined,
  signal?: AbortSignal,
): Promise<T> {
  const finalizers = obj.metadata.finalizers ?? [];
  const needsFinalizer = !finalizers.includes(managedResourceFinalizer);
  const needsName =
    externalName !== undefined && obj.metadata.annotations?.[externalNameAnnotation] !== externalName;
  if (!needsFinalizer && !needsName) return obj;
  const metadata: Record<string, unknown> = {
    uid: obj.metadata.uid,
    resourceVersion: obj.metadata.resourceVersion,
  };
  if (needsFinalizer) metadata.finalizers = [...finalizers, managedResourceFinalizer];
  if (needsName) metadata.annotations = { [externalNameAnnotation]: externalName };
  return client.patch(obj.metadata.name ?? '', { metadata }, 'merge', { signal });
}

/** Removes the finalizer: the last step of a deletion. */
export async function releaseManaged<T extends KubeObject>(
  client: ResourceClient<T>,
  obj: T,
  signal?: AbortSignal,
): Promise<void> {
  const finalizers = obj.metadata.finalizers ?? [];
  if (!finalizers.includes(managedResourceFinalizer)) return;
  await client.patch(
    obj.metadata.name ?? '',
    {
      metadata: {
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        finalizers: finalizers.filter((f) => f !== managedResourceFinalizer),
      },
    },
    'merge',
    { signal },
  );
}

/** RFC 3339 for the status (the CRD validates date-time), or undefined for unreadable times. */
export function statusTime(value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
}
