import type { ManagedResource } from './composedObjects.js';

/**
 * The fields of `status.atProvider` that the Klutch v1.5 compositions copy to the claim's
 * `status.managed` (ToComposite patches), per managed kind. Users' scripts and the claims' printer
 * column read them there, so they are copied under the same names.
 */
export const managedStatusFields: Record<string, readonly string[]> = {
  ServiceInstance: ['state', 'createdAt', 'provisionedAt', 'updatedAt'],
  ServiceBinding: ['state', 'serviceBindingID'],
  Backup: ['id', 'status', 'size', 'triggered_at', 'finished_at', 'downloadable'],
  Restore: ['restoreId', 'state', 'triggeredAt', 'finishedAt'],
};

/**
 * `status.managed` of a claim: the listed observation fields and the conditions of its managed
 * resource. Undefined while there is no managed resource or it reports nothing yet, so that the
 * claim keeps what it last showed.
 */
export function managedStatus(
  managedKind: string,
  mr: ManagedResource | undefined,
): Record<string, unknown> | undefined {
  const status = mr?.status as { atProvider?: Record<string, unknown>; conditions?: unknown[] } | undefined;
  if (!status) return undefined;
  const out: Record<string, unknown> = {};
  for (const field of managedStatusFields[managedKind] ?? []) {
    const value = status.atProvider?.[field];
    if (value !== undefined && value !== null) out[field] = value;
  }
  if (status.conditions && status.conditions.length > 0) out.conditions = status.conditions;
  return Object.keys(out).length > 0 ? out : undefined;
}
