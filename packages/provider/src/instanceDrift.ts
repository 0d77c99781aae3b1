import type { JsonObject } from './jsonValues.js';
import { parameterDiff } from './parameterDiff.js';

export interface InstanceDrift {
  planChanged: boolean;
  /** The full desired parameter set to send; undefined when every desired parameter has its value. */
  parameters?: JsonObject;
}

/**
 * Whether the instance at the broker differs from the spec. The plan is compared by catalog id
 * (names are resolved against the catalog first), parameters structurally with order-insensitive
 * arrays. Undefined when nothing needs to change.
 */
export function instanceDrift(input: {
  desiredPlanId: string;
  observedPlanId: string | undefined;
  desiredParameters: JsonObject | undefined;
  observedParameters: JsonObject | undefined;
}): InstanceDrift | undefined {
  const planChanged = input.observedPlanId !== undefined && input.observedPlanId !== input.desiredPlanId;
  const parameters = parameterDiff(input.observedParameters, input.desiredParameters);
  if (!planChanged && parameters === undefined) return undefined;
  return parameters === undefined ? { planChanged } : { planChanged, parameters };
}
