import { isBeingDeleted } from '@klutch/kube';
import type { Claim } from './composedObjects.js';
import { compositionReasons } from './claimConditions.js';

/** Another app-facing object in the same namespace that a claim needs before it can be composed. */
export interface ClaimReference {
  kind: string;
  name: string;
  /** The spec field that names it, for messages. */
  field: string;
  /** A further requirement on the referenced object; returns the problem if it is not met. */
  check?: (target: Claim) => string | undefined;
}

export interface ReferenceProblem {
  reason: string;
  message: string;
}

/** Why `ref` cannot be used (yet), or undefined when it can. `target` is what the cache holds. */
export function referenceProblem(
  namespace: string,
  ref: ClaimReference,
  target: Claim | undefined,
): ReferenceProblem | undefined {
  if (!target) {
    return {
      reason: compositionReasons.referenceNotFound,
      message: `${ref.kind} "${ref.name}" not found in namespace "${namespace}"; it is used as soon as it exists (check ${ref.field} and spec.serviceInstanceType).`,
    };
  }
  if (isBeingDeleted(target)) {
    return {
      reason: compositionReasons.referenceNotUsable,
      message: `${ref.kind} "${ref.name}" in namespace "${namespace}" is being deleted; refer to another one in ${ref.field}.`,
    };
  }
  const problem = ref.check?.(target);
  return problem ? { reason: compositionReasons.referenceNotUsable, message: problem } : undefined;
}
