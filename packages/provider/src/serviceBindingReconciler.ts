import {
  isBindingRotatable,
  OsbError,
  type BindingDetails,
  type OsbClient,
  type OsbPlan,
  type OsbService,
} from '@klutch/broker-clients';
import { isBeingDeleted, isTrue, type Logger, type ReconcileOutcome, type Reconciler } from '@klutch/kube';
import {
  encodeBindingOperation,
  parseBindingOperation,
  type PendingBindingOperation,
} from './bindingOperation.js';
import {
  bindCleanupPending,
  bindCleanupRefused,
  decideBinding,
  decideUnbind,
  unbindErrorMeans,
} from './bindingDecisions.js';
import { renewAt, rotationDue } from './bindingRotation.js';
import { findByIds } from './catalogIds.js';
import { claimOf, composedFor } from './claimReferences.js';
import { connectionEndpoints } from './connectionEndpoints.js';
import {
  connectionSecretRef,
  deleteConnectionSecret,
  readConnectionSecret,
  writeConnectionSecret,
  type SecretRef,
} from './connectionSecret.js';
import { flattenCredentials } from './credentialFlattening.js';
import { UserFacingError, userMessageOf } from './errorMessages.js';
import { available, creating, deleting, READY } from './managedConditions.js';
import { ensureManaged, releaseManaged } from './managedMetadata.js';
import type { ServiceBindingMr, ServiceBindingStatusT, ServiceInstanceMr } from './managedResources.js';
import {
  bindingExpiresAtAnnotation,
  bindingOperationAnnotation,
  bindingRenewAtAnnotation,
  externalNameAnnotation,
  instanceTypeLabel,
  predecessorBindingAnnotation,
} from './names.js';
import { writeAnnotations } from './objectWrites.js';
import { kubernetesContext, originatingIdentity } from './osbContext.js';
import { ManagedReconcile } from './managedReconcile.js';
import type { ProviderContext } from './providerContext.js';
import { reportFailure, ReconcileStepError, step } from './reconcileFailure.js';

type AtProvider = NonNullable<ServiceBindingStatusT['atProvider']>;

/** More than the longest path through decideBinding: a bound on the loop, not a limit it reaches. */
const maxBindingSteps = 8;

/** Waiting for another resource is not a failure of this one, but it is not in sync either. */
class WaitingError extends UserFacingError {}

/** The instance a binding belongs to, once it is ready to be bound. */
interface BindableInstance {
  instanceId: string;
  serviceId: string;
  planId: string;
}

export function findInstanceOf(ctx: ProviderContext, obj: ServiceBindingMr): ServiceInstanceMr | undefined {
  const name = obj.spec.forProvider.instanceName;
  const matches = composedFor(
    ctx.instanceInformer.list(),
    name,
    claimOf(obj).namespace,
    obj.metadata.labels?.[instanceTypeLabel],
  );
  if (matches.length > 1) {
    throw new UserFacingError(
      `${matches.length} ServiceInstances belong to instance ${name} (${matches.map((m) => m.metadata.name).join(', ')}); expected one`,
    );
  }
  return matches[0];
}

function readyInstance(instance: ServiceInstanceMr | undefined, name: string): BindableInstance {
  const at = instance?.status?.atProvider;
  if (
    !instance ||
    isBeingDeleted(instance) ||
    !isTrue(instance.status?.conditions, READY) ||
    !at?.instanceId ||
    !at.serviceId ||
    !at.planId
  ) {
    throw new WaitingError(`waiting for service instance ${name} to be ready`);
  }
  return { instanceId: at.instanceId, serviceId: at.serviceId, planId: at.planId };
}

class BindingReconcile extends ManagedReconcile<ServiceBindingMr, ServiceBindingStatusT, AtProvider> {
  constructor(ctx: ProviderContext, obj: ServiceBindingMr, signal: AbortSignal, logger: Logger) {
    super(ctx, obj, signal, logger, 'servicebinding', ctx.bindings);
  }

  private get uid(): string {
    return this.obj.metadata.uid ?? '';
  }

  private get bindingId(): string {
    return this.obj.metadata.annotations?.[externalNameAnnotation] || this.uid;
  }

  private async annotate(values: Record<string, string | null>): Promise<void> {
    this.obj = await writeAnnotations(this.ctx.bindings, this.obj, values, this.signal);
  }

  private requestOptions() {
    return {
      signal: this.signal,
      originatingIdentity: originatingIdentity(
        this.obj,
        this.obj.spec.forProvider.originatingIdentity,
        this.ctx.platform,
      ),
    };
  }

  private acceptsIncomplete(): boolean {
    return this.obj.spec.forProvider.acceptsIncomplete ?? true;
  }

  private gated(): ReconcileOutcome | undefined {
    const wait = this.ctx.gate.waitMs(this.key);
    return wait > 0 ? { requeueAfterMs: wait } : undefined;
  }

  private async connect(): Promise<OsbClient> {
    const { client } = await step('CannotConnectToProvider', () =>
      this.ctx.osbClientFor(this.obj.spec.providerConfigRef?.name ?? '', this.signal),
    );
    return client;
  }

  async run(): Promise<ReconcileOutcome> {
    if (isBeingDeleted(this.obj)) return this.delete();
    this.obj = await ensureManaged(this.ctx.bindings, this.obj, this.bindingId, this.signal);
    const instanceName = this.obj.spec.forProvider.instanceName;
    const instanceMr = findInstanceOf(this.ctx, this.obj);
    const own = this.status.atProvider;
    let instance: BindableInstance;
    if (own?.state === 'Created' && own.instanceId && own.serviceID && own.planID) {
      // Existing credentials keep working while the instance is updated: only a new binding
      // needs a ready instance. The plan may have changed since the binding was made.
      const at = instanceMr?.status?.atProvider;
      instance = {
        instanceId: own.instanceId,
        serviceId: at?.instanceId === own.instanceId && at.serviceId ? at.serviceId : own.serviceID,
        planId: at?.instanceId === own.instanceId && at.planId ? at.planId : own.planID,
      };
      this.atProvider.serviceID = instance.serviceId;
      this.atProvider.planID = instance.planId;
    } else {
      try {
        instance = readyInstance(instanceMr, instanceName);
      } catch (err) {
        if (!(err instanceof WaitingError)) throw err;
        this.atProvider.state ??= 'Pending';
        await this.commit(creating(err.message), err.message);
        return { requeueAfterMs: this.ctx.timing.waitIntervalMs };
      }
    }
    const ref = await step('CannotPublishConnectionDetails', () =>
      Promise.resolve(connectionSecretRef(this.obj)),
    );
    const client = await this.connect();
    const catalog = await step('CannotResolveServiceAndPlan', () =>
      client.getCatalog({ signal: this.signal }),
    );
    const entry = findByIds(catalog, instance.serviceId, instance.planId);
    if (!entry) {
      throw new ReconcileStepError(
        'CannotResolveServiceAndPlan',
        new UserFacingError(
          `the broker's catalog no longer offers the service ${instance.serviceId} with plan ${instance.planId} of instance ${instanceName}`,
        ),
      );
    }

    // Observe, decide, perform; each step removes what led to it (see decideBinding).
    const seen: { published?: boolean; atBroker?: boolean } = {};
    for (let steps = 0; steps < maxBindingSteps; steps++) {
      const annotations = this.obj.metadata.annotations ?? {};
      const pending = parseBindingOperation(annotations[bindingOperationAnnotation]);
      const predecessorId = annotations[predecessorBindingAnnotation];
      const renew = annotations[bindingRenewAtAnnotation];
      const next = decideBinding({
        uid: this.uid,
        bindingId: this.bindingId,
        ...(pending ? { pending } : {}),
        ...(predecessorId ? { predecessorId } : {}),
        ...seen,
        retrievable: entry.service.bindings_retrievable === true,
        ...(renew ? { renewAt: renew } : {}),
        nowMs: this.ctx.now().getTime(),
        pollIntervalMs: this.ctx.timing.pollIntervalMs,
      });
      switch (next.step) {
        case 'clean-up': {
          const done = await this.cleanupUnbind(client, instance, next.bindingId);
          if (done !== true) return done;
          await this.annotate({ [bindingOperationAnnotation]: null });
          break;
        }
        case 'poll': {
          const outcome = await this.pollOperation(client, instance, ref, next.operation);
          if (outcome) return outcome;
          break;
        }
        case 'unbind-predecessor': {
          const done = await this.unbind(client, instance, next.bindingId);
          if (done !== true) return done;
          await this.annotate({ [predecessorBindingAnnotation]: null });
          break;
        }
        case 'read-secret': {
          const secret = await step('CannotPublishConnectionDetails', () =>
            readConnectionSecret(this.ctx.secrets, this.obj, ref, this.signal),
          );
          seen.published = secret !== undefined && this.atProvider.state === 'Created';
          break;
        }
        case 'fetch':
          seen.atBroker = await step('CannotObserveExternalResource', () =>
            this.bindingExists(client, instance, this.bindingId),
          );
          break;
        case 'bind':
          return this.bind(client, instance, entry, ref, next.bindingId, undefined);
        case 'rotate':
          this.logger.info({ binding: next.predecessorId, successor: next.bindingId }, 'rotating binding');
          return this.bind(client, instance, entry, ref, next.bindingId, next.predecessorId);
        case 'steady':
          await this.commit(available());
          this.ctx.gate.succeeded(this.key);
          return { requeueAfterMs: next.requeueAfterMs };
      }
    }
    throw new Error(`the reconcile of binding ${this.obj.metadata.name ?? ''} did not settle`);
  }

  private async bindingExists(
    client: OsbClient,
    instance: BindableInstance,
    bindingId: string,
  ): Promise<boolean> {
    try {
      await client.fetchBinding(instance.instanceId, bindingId, {
        ...this.requestOptions(),
        serviceId: instance.serviceId,
        planId: instance.planId,
      });
      return true;
    } catch (err) {
      if (err instanceof OsbError && (err.isNotFound() || err.isGone())) {
        this.logger.warn({ bindingId }, 'the broker lost the binding; binding again');
        return false;
      }
      throw err;
    }
  }

  /**
   * Creates binding `bindingId` (a rotation when `predecessorId` is set), publishes its
   * credentials and records it. Rotation order: new binding, Secret, records, then the
   * predecessor is unbound, so the application never holds revoked credentials.
   */
  private async bind(
    client: OsbClient,
    instance: BindableInstance,
    entry: { service: OsbService; plan: OsbPlan },
    ref: SecretRef,
    bindingId: string,
    predecessorId: string | undefined,
  ): Promise<ReconcileOutcome> {
    const gated = this.gated();
    if (gated) return gated;
    const rotatable = isBindingRotatable(entry.service, entry.plan);
    // The ids are recorded first: a deletion must be able to unbind whatever the request creates.
    this.atProvider.instanceId = instance.instanceId;
    this.atProvider.serviceID = instance.serviceId;
    this.atProvider.planID = instance.planId;
    if (!predecessorId) this.atProvider.state = 'Pending';
    await this.commit(predecessorId ? undefined : creating('Binding at the broker.'));
    const fp = this.obj.spec.forProvider;
    const result = await step(
      'CannotCreateExternalResource',
      () =>
        this.bindOrRecordCleanup(bindingId, () =>
          client.bindWithOrphanMitigation(
            instance.instanceId,
            bindingId,
            {
              serviceId: instance.serviceId,
              planId: instance.planId,
              ...(fp.parameters ? { parameters: fp.parameters } : {}),
              ...(fp.bindResource || fp.appGuid
                ? {
                    bindResource: {
                      ...(fp.bindResource ?? {}),
                      ...(fp.appGuid && !fp.bindResource?.appGuid ? { appGuid: fp.appGuid } : {}),
                    },
                  }
                : {}),
              context: kubernetesContext(this.obj, fp.context, this.ctx.platform),
              ...(predecessorId && rotatable ? { predecessorBindingId: predecessorId } : {}),
            },
            { ...this.requestOptions(), acceptsIncomplete: this.acceptsIncomplete() },
          ),
        ),
      () => this.ctx.gate.failed(this.key),
    );
    if (result.kind === 'async') {
      await this.annotate({
        [bindingOperationAnnotation]: encodeBindingOperation({
          kind: 'bind',
          bindingId,
          ...(result.operation !== undefined ? { key: result.operation } : {}),
        }),
      });
      await this.commit(predecessorId ? undefined : creating('The broker is creating the binding.'));
      return { requeueAfterMs: this.ctx.operationPolls.next(this.key) };
    }
    return this.publish(client, instance, ref, bindingId, result, predecessorId);
  }

  /**
   * Runs a bind; when it fails and orphan mitigation could not confirm its unbind (it failed, or
   * the broker unbinds asynchronously), records that unbind as pending operation before the
   * failure is reported, so that it is repeated (with back-off, across restarts) until the
   * broker confirms, and the failure message says so.
   */
  private async bindOrRecordCleanup<T>(bindingId: string, bind: () => Promise<T>): Promise<T> {
    try {
      return await bind();
    } catch (err) {
      const report = err instanceof OsbError ? err.orphanMitigation : undefined;
      if (!report || report.state === 'done') throw err;
      await this.annotate({
        [bindingOperationAnnotation]: encodeBindingOperation(
          report.state === 'accepted'
            ? {
                kind: 'unbind',
                bindingId,
                ...(report.operation !== undefined ? { key: report.operation } : {}),
              }
            : { kind: 'unbind-due', bindingId },
        ),
      });
      throw new UserFacingError(
        bindCleanupPending(
          userMessageOf(err),
          report.state === 'failed' && report.error ? userMessageOf(report.error) : undefined,
        ),
      );
    }
  }

  /** The owed clean-up unbind of a failed bind; a refusal keeps the pending clean-up in Synced. */
  private async cleanupUnbind(
    client: OsbClient,
    instance: BindableInstance,
    bindingId: string,
  ): Promise<true | ReconcileOutcome> {
    try {
      return await this.unbind(client, instance, bindingId);
    } catch (err) {
      if (!(err instanceof ReconcileStepError)) throw err;
      throw new ReconcileStepError(
        err.reason,
        new UserFacingError(bindCleanupRefused(err.userMessage)),
        err.retryAfterMs,
      );
    }
  }

  /** Writes the credentials of a created binding and records it as the current one. */
  private async publish(
    client: OsbClient,
    instance: BindableInstance,
    ref: SecretRef,
    bindingId: string,
    details: BindingDetails,
    predecessorId: string | undefined,
  ): Promise<ReconcileOutcome> {
    const credentials = details.credentials;
    if (!credentials || Object.keys(credentials).length === 0) {
      throw new ReconcileStepError(
        'CannotCreateExternalResource',
        new UserFacingError('the service broker returned no credentials for the service binding'),
        this.ctx.gate.failed(this.key),
      );
    }
    const flat = flattenCredentials(credentials);
    await step('CannotPublishConnectionDetails', () =>
      writeConnectionSecret(this.ctx.secrets, this.obj, ref, flat, this.signal),
    );
    const renew = renewAt({
      issuedAt: this.ctx.now(),
      ...(details.expiresAt ? { expiresAt: details.expiresAt.toISOString() } : {}),
      ...(details.renewBefore ? { renewBefore: details.renewBefore.toISOString() } : {}),
    });
    const previous = predecessorId ?? (this.bindingId !== bindingId ? this.bindingId : undefined);
    await this.annotate({
      [externalNameAnnotation]: bindingId,
      [bindingExpiresAtAnnotation]: details.expiresAt ? details.expiresAt.toISOString() : null,
      [bindingRenewAtAnnotation]: renew ? renew.toISOString() : null,
      [bindingOperationAnnotation]: null,
      ...(previous ? { [predecessorBindingAnnotation]: previous } : {}),
    });
    this.atProvider.state = 'Created';
    this.atProvider.connectionDetails = connectionEndpoints(
      this.obj.metadata.labels?.[instanceTypeLabel],
      flat,
    );
    await this.commit(available());
    this.ctx.gate.succeeded(this.key);
    if (previous) {
      await this.ctx.events.normal(
        this.obj,
        'BindingRotated',
        `Rotated the credentials: binding ${bindingId} replaces ${previous}.`,
      );
      const done = await this.unbind(client, instance, previous);
      if (done === true) await this.annotate({ [predecessorBindingAnnotation]: null });
      else return done;
    }
    const due = rotationDue(renew?.toISOString(), this.ctx.now());
    return { requeueAfterMs: Math.min(this.ctx.timing.pollIntervalMs, due.inMs ?? Infinity) };
  }

  /** Polls an async bind/unbind once; undefined when it is over and the reconcile goes on. */
  private async pollOperation(
    client: OsbClient,
    instance: BindableInstance,
    ref: SecretRef,
    op: PendingBindingOperation,
  ): Promise<ReconcileOutcome | undefined> {
    const lo = await step('CannotObserveExternalResource', () =>
      client.bindingLastOperation(
        instance.instanceId,
        op.bindingId,
        {
          ...(op.key !== undefined ? { operation: op.key } : {}),
          serviceId: instance.serviceId,
          planId: instance.planId,
          deleting: op.kind === 'unbind',
        },
        this.requestOptions(),
      ),
    );
    if (lo.state === 'in progress') {
      return { requeueAfterMs: this.ctx.operationPolls.next(this.key, lo.retryAfterMs) };
    }
    if (lo.state === 'failed') {
      await this.annotate({ [bindingOperationAnnotation]: null });
      throw new ReconcileStepError(
        op.kind === 'bind' ? 'CannotCreateExternalResource' : 'CannotDeleteExternalResource',
        new UserFacingError(
          `the broker reports the ${op.kind} as failed${lo.description ? `: ${lo.description}` : ''}`,
        ),
        this.ctx.gate.failed(this.key),
      );
    }
    if (op.kind === 'unbind') {
      await this.annotate({ [bindingOperationAnnotation]: null });
      return undefined;
    }
    const binding = await step('CannotObserveExternalResource', () =>
      client.fetchBinding(instance.instanceId, op.bindingId, {
        ...this.requestOptions(),
        serviceId: instance.serviceId,
        planId: instance.planId,
      }),
    );
    const predecessor = op.bindingId !== this.bindingId ? this.bindingId : undefined;
    return this.publish(client, instance, ref, op.bindingId, binding, predecessor);
  }

  /**
   * Unbinds `bindingId`: true when the broker confirmed it is gone, else the reconcile's outcome
   * (the broker works on it asynchronously, or the back-off of a failed unbind runs).
   */
  private async unbind(
    client: OsbClient,
    ids: BindableInstance,
    bindingId: string,
  ): Promise<true | ReconcileOutcome> {
    const next = decideUnbind(this.ctx.gate.waitMs(this.key));
    if (next.kind === 'wait') return { requeueAfterMs: next.requeueAfterMs };
    let result;
    try {
      result = await client.unbind(
        ids.instanceId,
        bindingId,
        { serviceId: ids.serviceId, planId: ids.planId },
        { ...this.requestOptions(), acceptsIncomplete: this.acceptsIncomplete() },
      );
    } catch (err) {
      if (err instanceof OsbError && unbindErrorMeans(err) === 'gone') return true;
      throw new ReconcileStepError('CannotDeleteExternalResource', err, this.ctx.gate.failed(this.key));
    }
    if (result.kind === 'async') {
      await this.annotate({
        [bindingOperationAnnotation]: encodeBindingOperation({
          kind: 'unbind',
          bindingId,
          ...(result.operation !== undefined ? { key: result.operation } : {}),
        }),
      });
      return { requeueAfterMs: this.ctx.operationPolls.next(this.key) };
    }
    // The back-off is not reset: a bind that keeps failing must keep backing off between clean-ups.
    return true;
  }

  private async delete(): Promise<ReconcileOutcome> {
    if (!(this.obj.metadata.finalizers ?? []).length) return {};
    if (this.obj.spec.deletionPolicy !== 'Orphan') {
      const at = this.status.atProvider;
      if (at?.instanceId && at.serviceID && at.planID) {
        const ids = { instanceId: at.instanceId, serviceId: at.serviceID, planId: at.planID };
        const client = await this.connect();
        const pendingOp = parseBindingOperation(this.obj.metadata.annotations?.[bindingOperationAnnotation]);
        if (pendingOp && pendingOp.kind !== 'unbind-due') {
          const lo = await step('CannotObserveExternalResource', () =>
            client.bindingLastOperation(
              ids.instanceId,
              pendingOp.bindingId,
              {
                ...(pendingOp.key !== undefined ? { operation: pendingOp.key } : {}),
                serviceId: ids.serviceId,
                planId: ids.planId,
                deleting: pendingOp.kind === 'unbind',
              },
              this.requestOptions(),
            ),
          );
          if (lo.state === 'in progress') {
            await this.commit(deleting(`Waiting for the running ${pendingOp.kind} to finish.`));
            return { requeueAfterMs: this.ctx.operationPolls.next(this.key, lo.retryAfterMs) };
          }
          await this.annotate({ [bindingOperationAnnotation]: null });
        }
        // Waiting for the back-off of a failed unbind writes nothing (see decideUnbind).
        const next = decideUnbind(this.ctx.gate.waitMs(this.key));
        if (next.kind === 'wait') return { requeueAfterMs: next.requeueAfterMs };
        this.atProvider.state = 'Deleting';
        await this.commit(deleting('Unbinding at the broker.'), undefined, { keepSynced: true });
        const ids2 = [this.bindingId, this.obj.metadata.annotations?.[predecessorBindingAnnotation]];
        if (pendingOp?.kind === 'bind' || pendingOp?.kind === 'unbind-due') ids2.push(pendingOp.bindingId);
        for (const id of new Set(ids2.filter((x): x is string => !!x))) {
          const done = await this.unbind(client, ids, id);
          if (done !== true) return done;
        }
      }
    }
    await deleteConnectionSecret(this.ctx.secrets, this.obj, this.signal);
    this.ctx.gate.succeeded(this.key);
    await releaseManaged(this.ctx.bindings, this.obj, this.signal);
    return {};
  }
}

/** The reconciler of ServiceBinding managed resources (keys are resource names). */
export function serviceBindingReconciler(ctx: ProviderContext): Reconciler {
  return async (key, { signal, logger }) => {
    const obj = await ctx.bindings.tryGet(key, { signal });
    if (!obj) return;
    const run = new BindingReconcile(ctx, obj, signal, logger);
    try {
      const outcome = await run.run();
      ctx.failureBackoff.succeeded(`servicebinding/${key}`);
      return outcome;
    } catch (err) {
      if (signal.aborted) throw err;
      return reportFailure(ctx, ctx.bindings, run.obj, err, logger, signal, `servicebinding/${key}`);
    }
  };
}
