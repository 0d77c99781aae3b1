import type {
  BackupManagedResource,
  InstanceClaimStatus,
  RestoreManagedResource,
  ServiceBindingManagedResource,
  ServiceInstanceResource,
} from './composedObjects.js';

/**
 * The observed fields a claim's status gets from its managed resource. Only fields the managed
 * resource reports are returned: a field it does not report keeps its last value on the claim.
 */
export type ObservedFields = Record<string, unknown>;

function defined(fields: Record<string, unknown>): ObservedFields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/**
 * Whether the provider has acted on the managed resource's current spec: it reports the current
 * generation (where it reports one), the last reconcile succeeded and no broker operation runs.
 * Until then the claim keeps showing the previously provisioned service and plan.
 */
export function providerCaughtUp(mr: ServiceInstanceResource): boolean {
  const status = mr.status;
  if (!status) return false;
  const synced = status.conditions?.find((c) => c.type === 'Synced');
  if (synced?.status !== 'True') return false;
  if (status.pendingOperation) return false;
  const generation = mr.metadata.generation;
  const observed = [status.observedGeneration, synced.observedGeneration].filter(
    (g): g is number => typeof g === 'number',
  );
  if (generation !== undefined && observed.length > 0 && Math.max(...observed) < generation) return false;
  return true;
}

export function instanceObservedFields(
  mr: ServiceInstanceResource | undefined,
): Partial<InstanceClaimStatus> {
  if (!mr) return {};
  const at = mr.status?.atProvider;
  const caughtUp = providerCaughtUp(mr) && at?.state !== undefined;
  return defined({
    state: at?.state,
    provisionedAt: at?.provisionedAt,
    updatedAt: at?.updatedAt,
    service: caughtUp ? mr.spec.forProvider.serviceName : undefined,
    plan: caughtUp ? mr.spec.forProvider.planName : undefined,
  });
}

export function bindingObservedFields(mr: ServiceBindingManagedResource | undefined): ObservedFields {
  return defined({ state: mr?.status?.atProvider?.state });
}

export function backupObservedFields(mr: BackupManagedResource | undefined): ObservedFields {
  const at = mr?.status?.atProvider;
  return defined({
    backupId: at?.id !== undefined ? String(at.id) : undefined,
    state: at?.status,
    size: at?.size,
    triggeredAt: at?.triggered_at,
    finishedAt: at?.finished_at,
    downloadable: at?.downloadable,
  });
}

export function restoreObservedFields(mr: RestoreManagedResource | undefined): ObservedFields {
  const at = mr?.status?.atProvider;
  return defined({
    restoreId: at?.restoreId !== undefined ? String(at.restoreId) : undefined,
    state: at?.state,
    triggeredAt: at?.triggeredAt,
    finishedAt: at?.finishedAt,
  });
}
