import { getCondition, setCondition } from '@klutch/kube';
import type { Condition, ConditionInput } from '@klutch/kube';
import type { CrossplaneCondition } from '@klutch/api';

export const readyCondition = 'Ready';
export const syncedCondition = 'Synced';

/** Reasons the composition itself reports (the others are copied from the managed resource). */
export const compositionReasons = {
  creating: 'Creating',
  deleting: 'Deleting',
  available: 'Available',
  reconcileSuccess: 'ReconcileSuccess',
  reconcileError: 'ReconcileError',
  referenceNotFound: 'ReferenceNotFound',
  referenceNotUsable: 'ReferenceNotUsable',
  managedResourceConflict: 'ManagedResourceConflict',
  credentialsSecretConflict: 'CredentialsSecretConflict',
  invalidClaim: 'InvalidClaim',
  serviceNotOffered: 'ServiceNotOffered',
} as const;

/** Ready=False reasons that describe progress rather than a failure: no Warning Event for them. */
const progressReasons: ReadonlySet<string> = new Set([
  compositionReasons.creating,
  compositionReasons.deleting,
]);

interface ManagedView {
  /** Kind and name of the managed resource, for messages. */
  kind: string;
  name: string;
  conditions: readonly CrossplaneCondition[] | undefined;
}

/** Where the composition of one claim stands after a reconcile. */
export type CompositionOutcome =
  /** The managed resource cannot be composed (yet); `reason` and `message` say why. */
  | { phase: 'blocked'; reason: string; message: string }
  /**
   * The managed resource is composed. `pending`, if set, is a further step before the claim is
   * usable even when the managed resource is ready (the credentials Secret of a binding).
   */
  | { phase: 'composed'; managed: ManagedView; pending?: string }
  /** The claim is being deleted and waits for its managed resource to disappear. */
  | { phase: 'deleting'; managed: ManagedView };

/**
 * The messages of the managed resource that explain why it is not ready or not synced, e.g. the
 * broker's description of a failed request. They are what the app developer needs to see.
 */
export function rootCause(conditions: readonly CrossplaneCondition[] | undefined): string | undefined {
  const parts: string[] = [];
  const ready = conditions?.find((c) => c.type === readyCondition);
  const synced = conditions?.find((c) => c.type === syncedCondition);
  if (ready && ready.status !== 'True' && ready.message) parts.push(ready.message);
  if (synced && synced.status === 'False' && synced.message && !parts.includes(synced.message))
    parts.push(synced.message);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function syncedFrom(managed: ManagedView): ConditionInput {
  const synced = managed.conditions?.find((c) => c.type === syncedCondition);
  if (synced?.status === 'False') {
    return {
      type: syncedCondition,
      status: 'False',
      reason: synced.reason || compositionReasons.reconcileError,
      message: synced.message || `The provider could not reconcile ${managed.kind} "${managed.name}".`,
    };
  }
  return { type: syncedCondition, status: 'True', reason: compositionReasons.reconcileSuccess };
}

function readyFrom(managed: ManagedView, pending: string | undefined): ConditionInput {
  const ready = managed.conditions?.find((c) => c.type === readyCondition);
  const cause = rootCause(managed.conditions);
  if (!ready) {
    return {
      type: readyCondition,
      status: 'False',
      reason: compositionReasons.creating,
      message: cause ?? `Waiting for the provider to create ${managed.kind} "${managed.name}".`,
    };
  }
  if (ready.status === 'True') {
    if (pending)
      return { type: readyCondition, status: 'False', reason: compositionReasons.creating, message: pending };
    return { type: readyCondition, status: 'True', reason: ready.reason || compositionReasons.available };
  }
  const reason = ready.reason || compositionReasons.creating;
  return {
    type: readyCondition,
    status: ready.status,
    reason,
    message:
      cause ??
      (reason === compositionReasons.creating
        ? `The provider is creating ${managed.kind} "${managed.name}".`
        : `${managed.kind} "${managed.name}" is not ready (${reason}).`),
  };
}

/** The Ready and Synced conditions a claim shows for an outcome. */
export function claimConditionInputs(outcome: CompositionOutcome): {
  ready: ConditionInput;
  synced: ConditionInput;
} {
  switch (outcome.phase) {
    case 'blocked':
      return {
        ready: { type: readyCondition, status: 'False', reason: outcome.reason, message: outcome.message },
        synced: { type: syncedCondition, status: 'False', reason: outcome.reason, message: outcome.message },
      };
    case 'composed':
      return { ready: readyFrom(outcome.managed, outcome.pending), synced: syncedFrom(outcome.managed) };
    case 'deleting': {
      const cause = rootCause(outcome.managed.conditions);
      const waiting = `Waiting for the provider to delete ${outcome.managed.kind} "${outcome.managed.name}"`;
      return {
        ready: {
          type: readyCondition,
          status: 'False',
          reason: compositionReasons.deleting,
          message: cause ? `${waiting}: ${cause}` : `${waiting}.`,
        },
        synced: syncedFrom(outcome.managed),
      };
    }
  }
}

/**
 * The claim's conditions after an outcome: Ready and Synced are replaced (their transition time
 * only moves when they change), any other condition is kept.
 */
export function nextClaimConditions(
  existing: readonly CrossplaneCondition[] | undefined,
  outcome: CompositionOutcome,
  generation: number | undefined,
  now: Date,
): CrossplaneCondition[] {
  const { ready, synced } = claimConditionInputs(outcome);
  let conditions: Condition[] = [...(existing ?? [])];
  for (const c of [ready, synced]) {
    conditions = setCondition(
      conditions,
      generation !== undefined ? { ...c, observedGeneration: generation } : c,
      now,
    );
  }
  // Every condition set here has a reason, as the Crossplane condition schema requires.
  return conditions.map((c) => ({ ...c, reason: c.reason ?? '' }));
}

export interface ClaimWarning {
  reason: string;
  message: string;
}

/**
 * The failures that are new with this change of conditions: Synced turning False, or Ready
 * turning False for a reason other than progress, each only when its reason or message changed.
 * A failure reported by both conditions is reported once.
 */
export function newFailures(
  before: readonly CrossplaneCondition[] | undefined,
  after: readonly CrossplaneCondition[],
): ClaimWarning[] {
  const out: ClaimWarning[] = [];
  for (const type of [syncedCondition, readyCondition]) {
    const now = getCondition(after, type);
    if (!now || now.status !== 'False') continue;
    if (type === readyCondition && progressReasons.has(now.reason ?? '')) continue;
    const was = getCondition(before, type);
    if (was && was.status === now.status && was.reason === now.reason && was.message === now.message)
      continue;
    const warning = { reason: now.reason || compositionReasons.reconcileError, message: now.message ?? '' };
    if (!out.some((w) => w.reason === warning.reason && w.message === warning.message)) out.push(warning);
  }
  return out;
}
