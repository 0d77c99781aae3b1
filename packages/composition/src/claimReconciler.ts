import { dataServicesGroup, dataServicesVersion } from '@klutch/api';
import {
  addFinalizer,
  createMergePatchWithPreconditions,
  hasFinalizer,
  isBeingDeleted,
  isForbidden,
  isInvalid,
  isNotFound,
  KubeApiError,
  removeFinalizer,
} from '@klutch/kube';
import type {
  Informer,
  Logger,
  ReconcileContext,
  ReconcileOutcome,
  Reconciler,
  ResourceClient,
} from '@klutch/kube';
import type { CompositionOutcome } from './claimConditions.js';
import { compositionReasons, newFailures, nextClaimConditions } from './claimConditions.js';
import { referenceProblem } from './claimReferences.js';
import { managedStatus } from './managedStatus.js';
import type { Claim, ManagedResource, ServiceBindingClaim } from './composedObjects.js';
import type { ComposeSettings, CompositionKind } from './compositionKinds.js';
import type { CredentialsPublisher } from './credentialsPublisher.js';
import type { EventRecorder } from '@klutch/kube';
import { reflectsDesired } from './managedResourceDrift.js';
import { belongsToClaim, claimNameLabelProblem, claimOf } from './managedResourceLabels.js';
import { managedResourceName } from './managedResourceName.js';

/** Holds a claim until its managed resource is gone, so the provider can clean up at the backend. */
export const compositionFinalizer = 'composition.klutch.anynines.com/finalizer';
export const compositionFieldManager = 'klutch-composition';

/** Safety net for conditions no watch reports (e.g. another claim's resource going away). */
const recheckBlockedMs = 30_000;
const recheckDeletingMs = 30_000;
const claimApiVersion = `${dataServicesGroup}/${dataServicesVersion}`;

export interface ClaimReconcilerOptions {
  composition: CompositionKind;
  claims: ResourceClient<Claim>;
  claimInformer: Informer<Claim>;
  managed: ResourceClient<ManagedResource>;
  managedInformer: Informer<ManagedResource>;
  /** Informers of every claim kind, by kind, to look up the objects a claim refers to. */
  claimInformers: ReadonlyMap<string, Informer<Claim>>;
  /** Required for the kinds that publish credentials. */
  credentials?: CredentialsPublisher;
  events: EventRecorder;
  settings: ComposeSettings;
  now?: () => Date;
}

interface ClaimContext {
  claim: Claim;
  namespace: string;
  name: string;
  managedName: string;
  signal: AbortSignal;
  logger: Logger;
}

function apiMessage(err: unknown): string {
  if (err instanceof KubeApiError) return err.body?.message ?? err.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * The reconciler of one claim kind: keeps the claim's managed resource (and for bindings the
 * credentials Secret) as the claim says, and reports the managed resource's state back on the
 * claim. Level-triggered: every call reads the current state and takes the next step.
 */
export function createClaimReconciler(opts: ClaimReconcilerOptions): Reconciler {
  const kind = opts.composition;
  const now = opts.now ?? (() => new Date());

  async function writeStatus(ctx: ClaimContext, status: NonNullable<Claim['status']>): Promise<void> {
    const { claim } = ctx;
    const patch = createMergePatchWithPreconditions(claim, { ...claim, status });
    if (patch !== undefined) {
      await opts.claims.patch(ctx.name, patch, 'merge', {
        namespace: ctx.namespace,
        subresource: 'status',
        signal: ctx.signal,
      });
    }
    // After the write succeeded, so that a conflict and retry do not report a failure twice.
    for (const failure of newFailures(claim.status?.conditions, status.conditions ?? [])) {
      await opts.events.warning(claim, failure.reason, failure.message);
    }
  }

  async function report(
    ctx: ClaimContext,
    outcome: CompositionOutcome,
    observed: Record<string, unknown> = {},
  ): Promise<void> {
    const { claim } = ctx;
    const generation = claim.metadata.generation;
    await writeStatus(ctx, {
      ...claim.status,
      ...observed,
      conditions: nextClaimConditions(claim.status?.conditions, outcome, generation, now()),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    });
  }

  async function block(ctx: ClaimContext, reason: string, message: string): Promise<ReconcileOutcome> {
    ctx.logger.info({ reason, message }, 'claim cannot be composed');
    await report(ctx, { phase: 'blocked', reason, message });
    return { requeueAfterMs: recheckBlockedMs };
  }

  async function finalize(ctx: ClaimContext): Promise<ReconcileOutcome | void> {
    const { claim } = ctx;
    if (!hasFinalizer(claim, compositionFinalizer)) return;
    // Read from the API server: the finalizer may only go once the resource is really gone.
    const mr = await opts.managed.tryGet(ctx.managedName, { signal: ctx.signal });
    if (mr && belongsToClaim(mr, ctx)) {
      if (!isBeingDeleted(mr)) {
        try {
          await opts.managed.delete(ctx.managedName, {
            preconditions: { uid: mr.metadata.uid },
            signal: ctx.signal,
          });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        ctx.logger.info({ managed: ctx.managedName }, 'deleting managed resource');
        await opts.events.normal(
          claim,
          'DeletingManagedResource',
          `Deleting ${kind.managed.kind} "${ctx.managedName}"; the claim is removed once the provider has deleted it.`,
        );
      }
      await report(ctx, {
        phase: 'deleting',
        managed: { kind: kind.managed.kind, name: ctx.managedName, conditions: mr.status?.conditions },
      });
      return { requeueAfterMs: recheckDeletingMs };
    }
    if (kind.publishesCredentials && opts.credentials) {
      if (await opts.credentials.withdraw(claim as ServiceBindingClaim, ctx.signal))
        ctx.logger.info('credentials Secret deleted');
    }
    await removeFinalizer(opts.claims, claim, compositionFinalizer, ctx.signal);
    ctx.logger.info('managed resource gone; finalizer removed');
  }

  async function compose(ctx: ClaimContext): Promise<ReconcileOutcome | void> {
    const nameProblem = claimNameLabelProblem(ctx.name);
    if (nameProblem) return block(ctx, compositionReasons.invalidClaim, nameProblem);
    const type = kind.instanceType(ctx.claim);
    if (!type) {
      return block(
        ctx,
        compositionReasons.invalidClaim,
        `spec.serviceInstanceType ${JSON.stringify(ctx.claim.spec?.serviceInstanceType)} is not a known data service; create the ${kind.claim.kind} again with one of postgresql, mariadb, mongodb, messaging, search, logme2, prometheus, keyvalue.`,
      );
    }

    const existing = opts.managedInformer.get(ctx.managedName);
    // Only before creation: a resource composed while the service was offered stays the provider's.
    const unoffered = opts.settings.unofferedServices?.[type];
    if (unoffered !== undefined && !existing) {
      return block(ctx, compositionReasons.serviceNotOffered, unoffered);
    }
    if (existing && !belongsToClaim(existing, ctx)) {
      const owner = claimOf(existing);
      return block(
        ctx,
        compositionReasons.managedResourceConflict,
        `${kind.managed.kind} "${ctx.managedName}" already exists and belongs to ${owner ? `the claim "${owner.namespace}/${owner.name}"` : 'no claim'} (labels crossplane.io/claim-namespace and crossplane.io/claim-name); it is not taken over. Delete that resource or give this ${kind.claim.kind} another name.`,
      );
    }
    // References only gate the creation: once composed, the provider reports on them.
    if (!existing) {
      for (const ref of kind.references(ctx.claim)) {
        const target = opts.claimInformers.get(ref.kind)?.get(`${ctx.namespace}/${ref.name}`);
        const problem = referenceProblem(ctx.namespace, ref, target);
        if (problem) return block(ctx, problem.reason, problem.message);
      }
    }

    const desired = kind.desired(ctx.claim, ctx.managedName, opts.settings);
    let mr = existing;
    if (!existing || !reflectsDesired(existing, desired)) {
      try {
        mr = await opts.managed.apply(desired, {
          fieldManager: compositionFieldManager,
          force: true,
          signal: ctx.signal,
        });
      } catch (err) {
        if (!isInvalid(err) && !isForbidden(err)) throw err;
        return block(
          ctx,
          compositionReasons.reconcileError,
          `${kind.managed.kind} "${ctx.managedName}" was rejected by the API server: ${apiMessage(err)}`,
        );
      }
      if (existing) {
        ctx.logger.info({ managed: ctx.managedName }, 'updated managed resource to match the claim');
      } else {
        ctx.logger.info({ managed: ctx.managedName }, 'created managed resource');
        await opts.events.normal(
          ctx.claim,
          'CreatedManagedResource',
          `Created ${kind.managed.kind} "${ctx.managedName}".`,
        );
      }
    }

    let pending: string | undefined;
    const observed: Record<string, unknown> = kind.observed(mr);
    const managed = managedStatus(kind.managed.kind, mr);
    if (managed) observed.managed = managed;
    if (kind.publishesCredentials) {
      if (!opts.credentials)
        throw new Error(`${kind.claim.kind} publishes credentials but no publisher was given`);
      const published = await opts.credentials.publish(
        ctx.claim as ServiceBindingClaim,
        ctx.managedName,
        ctx.signal,
      );
      if (published.state === 'conflict') {
        return block(ctx, compositionReasons.credentialsSecretConflict, published.message);
      }
      if (published.state === 'waiting') {
        pending = published.message;
      } else {
        observed.binding = { name: published.secretName };
        if (published.written) {
          ctx.logger.info({ secret: published.secretName }, 'credentials Secret written');
          await opts.events.normal(
            ctx.claim,
            'CredentialsPublished',
            `Wrote the credentials to Secret "${published.secretName}".`,
          );
        }
      }
    }
    await report(
      ctx,
      {
        phase: 'composed',
        managed: { kind: kind.managed.kind, name: ctx.managedName, conditions: mr?.status?.conditions },
        ...(pending ? { pending } : {}),
      },
      observed,
    );
  }

  return async (key: string, { signal, logger }: ReconcileContext) => {
    const cached = opts.claimInformer.get(key);
    if (!cached) return;
    const { namespace, name } = cached.metadata;
    if (!namespace || !name) return;
    const ctx: ClaimContext = {
      // Objects from a list may lack their type; events need it to point at the claim.
      claim: {
        ...cached,
        apiVersion: cached.apiVersion ?? claimApiVersion,
        kind: cached.kind ?? kind.claim.kind,
      },
      namespace,
      name,
      managedName: managedResourceName(kind.claim.kind, namespace, name),
      signal,
      logger,
    };
    try {
      if (isBeingDeleted(cached)) return await finalize(ctx);
      // Before anything is created, so that no managed resource can outlive its claim unnoticed.
      ctx.claim = await addFinalizer(opts.claims, ctx.claim, compositionFinalizer, signal);
      return await compose(ctx);
    } catch (err) {
      // The claim vanished while we worked on it (the cache lags behind): nothing left to do.
      if (isNotFound(err) && !(await opts.claims.tryGet(name, { namespace, signal }))) return;
      throw err;
    }
  };
}
