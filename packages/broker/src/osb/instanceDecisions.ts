import { sameJson } from '../parameters/parameterMerge.js';
import type { InstanceRecord, OperationRecord, OperationTarget } from '../state/stateRecords.js';

/** The parts of the stored instance the OSB decisions look at. */
export type InstanceFacts = Pick<
  InstanceRecord,
  'id' | 'state' | 'serviceId' | 'serviceName' | 'planId' | 'planName' | 'parameters' | 'provisionedAt'
>;

export type ProvisionDecision =
  | { action: 'create' }
  | { action: 'alreadyProvisioned' }
  | { action: 'inProgress'; operationId: string }
  | { action: 'conflict'; description: string }
  | { action: 'busy' };

/** OSB provision semantics for an id that may already be in use. */
export function decideProvision(
  existing: InstanceFacts | undefined,
  inProgress: OperationRecord | undefined,
  request: { serviceId: string; planId: string; parameters: Record<string, unknown> },
): ProvisionDecision {
  // A deleted instance, or one that never came up, leaves nothing behind that the id could mean.
  if (!existing || existing.state === 'deleted') return { action: 'create' };
  if (existing.state === 'failed' && existing.provisionedAt === null) return { action: 'create' };
  const identical =
    existing.serviceId === request.serviceId &&
    existing.planId === request.planId &&
    sameJson(existing.parameters, request.parameters);
  if (!identical) {
    return {
      action: 'conflict',
      description:
        `Service instance ${existing.id} already exists with service ${existing.serviceName}, plan ` +
        `${existing.planName} and other parameters; change it with an update (PATCH) or use a new instance id.`,
    };
  }
  if (inProgress?.kind === 'provision') return { action: 'inProgress', operationId: inProgress.id };
  if (existing.state === 'deprovisioning') return { action: 'busy' };
  return { action: 'alreadyProvisioned' };
}

export type UpdateDecision =
  | { action: 'start' }
  | { action: 'noChange' }
  | { action: 'inProgress'; operationId: string }
  | { action: 'busy' }
  | { action: 'notUsable'; description: string };

export function decideUpdate(
  existing: InstanceFacts,
  inProgress: OperationRecord | undefined,
  target: OperationTarget,
): UpdateDecision {
  if (inProgress) {
    const sameTarget =
      inProgress.kind === 'update' &&
      inProgress.target?.planId === target.planId &&
      sameJson(inProgress.target.parameters, target.parameters);
    return sameTarget ? { action: 'inProgress', operationId: inProgress.id } : { action: 'busy' };
  }
  if (existing.state === 'failed' && existing.provisionedAt === null) {
    return {
      action: 'notUsable',
      description: `Service instance ${existing.id} failed to provision and cannot be updated; delete it and provision it again.`,
    };
  }
  if (existing.planId === target.planId && sameJson(existing.parameters, target.parameters)) {
    return { action: 'noChange' };
  }
  return { action: 'start' };
}

export type DeprovisionDecision =
  | { action: 'gone' }
  | { action: 'start' }
  | { action: 'inProgress'; operationId: string }
  | { action: 'busy' };

export function decideDeprovision(
  existing: InstanceFacts | undefined,
  inProgress: OperationRecord | undefined,
): DeprovisionDecision {
  if (!existing || existing.state === 'deleted') return { action: 'gone' };
  if (inProgress?.kind === 'deprovision') return { action: 'inProgress', operationId: inProgress.id };
  if (inProgress) return { action: 'busy' };
  return { action: 'start' };
}

/** The a9s `state` of an instance (reference section 6.2). */
export function a9sState(state: InstanceRecord['state']): string {
  switch (state) {
    case 'provisioning':
    case 'updating':
      return 'deploying';
    case 'provisioned':
      return 'provisioned';
    case 'deprovisioning':
      return 'deleting';
    case 'deleted':
      return 'deleted';
    case 'failed':
      return 'failed';
  }
}
