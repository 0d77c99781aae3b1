import {
  getCondition,
  isBeingDeleted,
  type Logger,
  type ReconcileOutcome,
  type ResourceClient,
} from '@klutch/kube';
import { userMessageOf } from './errorMessages.js';
import { creating, deleting, READY, withReady, withSynced } from './managedConditions.js';
import type { AnyManagedResource } from './managedResources.js';
import { writeStatus } from './objectWrites.js';
import type { ProviderContext } from './providerContext.js';

/** Crossplane's event reasons for the step that failed; users see them in `kubectl describe`. */
export type FailureReason =
  | 'CannotConnectToProvider'
  | 'CannotResolveServiceAndPlan'
  | 'CannotObserveExternalResource'
  | 'CannotCreateExternalResource'
  | 'CannotUpdateExternalResource'
  | 'CannotDeleteExternalResource'
  | 'CannotPublishConnectionDetails'
  | 'ReconcileError';

/**
 * A failed reconcile step: why (the reason of the Warning Event), the underlying error (whose user
 * message becomes the Synced condition), and, for failed changes at a backend, when to try again.
 */
export class ReconcileStepError extends Error {
  readonly userMessage: string;
  constructor(
    readonly reason: FailureReason,
    override readonly cause: unknown,
    readonly retryAfterMs?: number,
  ) {
    const message = userMessageOf(cause);
    super(message);
    this.name = 'ReconcileStepError';
    this.userMessage = message;
  }
}

/** Runs `fn`, labelling any failure with `reason` (and a retry delay for gated backend changes). */
export async function step<T>(
  reason: FailureReason,
  fn: () => Promise<T>,
  retryAfterMs?: () => number,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ReconcileStepError) throw err;
    throw new ReconcileStepError(reason, err, retryAfterMs?.());
  }
}

function isExpected(err: unknown): boolean {
  const cause = err instanceof ReconcileStepError ? err.cause : err;
  return typeof cause === 'object' && cause !== null && 'userMessage' in cause;
}

/**
 * Makes a failure visible where users look: Synced=False with the root cause, Ready set to a
 * False reason if it has none yet, and a Warning Event (de-duplicated). Then asks for a retry: at
 * the gated time for failed backend changes, else after the failure back-off.
 */
export async function reportFailure<T extends AnyManagedResource>(
  ctx: ProviderContext,
  client: ResourceClient<T>,
  obj: T,
  err: unknown,
  logger: Logger,
  signal: AbortSignal,
  backoffKey: string,
): Promise<ReconcileOutcome> {
  const reason = err instanceof ReconcileStepError ? err.reason : 'ReconcileError';
  const message = userMessageOf(err);
  if (isExpected(err))
    logger.warn({ reason, error: err instanceof Error ? err.message : String(err) }, 'reconcile failed');
  else logger.error({ err: err instanceof ReconcileStepError ? err.cause : err, reason }, 'reconcile failed');
  const generation = obj.metadata.generation;
  const status = (obj.status ?? {}) as { conditions?: Parameters<typeof withSynced>[0] };
  let conditions = withSynced(status.conditions, { error: message }, generation, ctx.now());
  if (!getCondition(conditions, READY)) {
    conditions = withReady(conditions, isBeingDeleted(obj) ? deleting() : creating(), generation, ctx.now());
  }
  try {
    await writeStatus(client, obj, { ...status, conditions }, signal);
  } catch (writeErr) {
    logger.warn({ err: writeErr }, 'cannot record the failure in the status');
  }
  await ctx.events.warning(obj, reason, message);
  // Failed changes wait for their gate; anything else (a missing Secret, a broker that cannot be
  // reached) backs off exponentially up to the poll interval, so a fix is noticed within --poll
  // even when nothing watched (such as a Secret) announces it.
  const retryAfterMs = err instanceof ReconcileStepError ? err.retryAfterMs : undefined;
  return { requeueAfterMs: retryAfterMs ?? ctx.failureBackoff.failed(backoffKey) };
}
