import { instanceStates } from '@klutch/api';
import {
  maximumPollingDurationMs,
  OsbError,
  type LastOperationResult,
  type OsbClient,
  type OsbPlan,
  type OsbService,
} from '@klutch/broker-clients';
import {
  getCondition,
  isBeingDeleted,
  type Logger,
  type ReconcileOutcome,
  type Reconciler,
} from '@klutch/kube';
import { bindingsOfInstance } from './claimReferences.js';
import { findByIds } from './catalogIds.js';
import { UserFacingError, userMessageOf } from './errorMessages.js';
import { instanceReadyState } from './instanceConditions.js';
import {
  cleanupPending,
  decideInstance,
  type DeleteAnswer,
  type InstanceDecision,
  type InstanceObservation,
  type InstanceReconcileStep,
} from './instanceDecisions.js';
import { instanceDrift } from './instanceDrift.js';
import { isJsonObject, type JsonObject } from './jsonValues.js';
import { available, creating, deleting as deletingState, SYNCED } from './managedConditions.js';
import { ensureManaged, releaseManaged, statusTime } from './managedMetadata.js';
import type { ServiceInstanceMr, ServiceInstanceStatusT } from './managedResources.js';
import { externalNameAnnotation } from './names.js';
import { kubernetesContext, originatingIdentity } from './osbContext.js';
import { provisionGuids } from './platformGuids.js';
import {
  encodePendingOperation,
  parsePendingOperation,
  type OperationKind,
  type PendingOperation,
} from './pendingOperation.js';
import { ManagedReconcile } from './managedReconcile.js';
import type { ProviderContext } from './providerContext.js';
import { reportFailure, ReconcileStepError, step } from './reconcileFailure.js';

type AtProvider = NonNullable<ServiceInstanceStatusT['atProvider']>;
type InstanceState = NonNullable<AtProvider['state']>;

/** The broker id of the instance: recorded in the status, kept in external-name, or the resource's UID. */
export function instanceIdOf(obj: ServiceInstanceMr): string {
  return (
    obj.status?.atProvider?.instanceId ||
    obj.metadata.annotations?.[externalNameAnnotation] ||
    obj.metadata.uid ||
    ''
  );
}

function knownState(state: string | undefined): InstanceState | undefined {
  if (state === undefined) return undefined;
  return (instanceStates as readonly string[]).includes(state) ? (state as InstanceState) : 'unknown';
}

/** What one observation of the instance at the broker found. */
interface Observation {
  exists: boolean;
  /** The a9s state, when the broker offers the extension. */
  state?: string;
  planId?: string;
  serviceId?: string;
  parameters?: JsonObject;
  dashboardUrl?: string;
  times?: Pick<AtProvider, 'createdAt' | 'provisionedAt' | 'updatedAt' | 'deletedAt'>;
}

/** More than the longest path through decideInstance: a bound on the loop, not a limit it reaches. */
const maxInstanceSteps = 8;

/** Steps that never reach the broker, so they need no connection. */
const offlineSteps: ReadonlySet<InstanceReconcileStep['step']> = new Set([
  'done',
  'release',
  'blocked',
  'record-id',
]);

/** The broker of the instance's ProviderConfig; `entry` is resolved for a live instance only. */
interface Broker {
  client: OsbClient;
  settings: Awaited<ReturnType<ProviderContext['osbClientFor']>>['settings'];
  entry?: { service: OsbService; plan: OsbPlan };
}

/** What the steps of one reconcile have observed at the broker so far. */
interface Seen {
  answer?: LastOperationResult;
  cleanupAnswer?: DeleteAnswer;
  maximumPollingDurationMs?: number;
  observed?: InstanceObservation['observed'];
  /** The full desired parameter set an update sends, from the last observation. */
  driftParameters?: JsonObject;
}

function required(broker: Broker | undefined): Broker {
  if (!broker) throw new Error('a broker step ran without a connection');
  return broker;
}

function resolved(broker: Broker | undefined): { service: OsbService; plan: OsbPlan } {
  const entry = required(broker).entry;
  if (!entry) throw new Error('a step of a live instance ran without its service and plan');
  return entry;
}

/**
 * One reconcile of one ServiceInstance. Each broker call is preceded by the status write it
 * depends on (the instance id before the first provision) and followed by the record of its
 * outcome (the pending operation), so that a crash at any point leads to the same next step.
 */
class InstanceReconcile extends ManagedReconcile<ServiceInstanceMr, ServiceInstanceStatusT, AtProvider> {
  constructor(ctx: ProviderContext, obj: ServiceInstanceMr, signal: AbortSignal, logger: Logger) {
    super(ctx, obj, signal, logger, 'serviceinstance', ctx.instances);
  }

  private connection?: Broker;

  private get forProvider() {
    return this.obj.spec.forProvider;
  }

  private identity() {
    return originatingIdentity(this.obj, this.forProvider.originatingIdentity, this.ctx.platform);
  }

  private requestOptions() {
    return { signal: this.signal, originatingIdentity: this.identity() };
  }

  private acceptsIncomplete(): boolean {
    return this.forProvider.acceptsIncomplete ?? true;
  }

  async run(): Promise<ReconcileOutcome> {
    const deleting = isBeingDeleted(this.obj);
    const id = instanceIdOf(this.obj);
    if (!deleting) this.obj = await ensureManaged(this.ctx.instances, this.obj, id, this.signal);
    // Observe, decide, perform; each step removes what led to it (see decideInstance).
    let seen: Seen = {};
    for (let steps = 0; steps < maxInstanceSteps; steps++) {
      const pending = this.pendingOperation();
      const lastError = this.lastError();
      const next = decideInstance({
        deleting,
        hasFinalizer: (this.obj.metadata.finalizers ?? []).length > 0,
        orphan: this.obj.spec.deletionPolicy === 'Orphan',
        bindings: deleting
          ? bindingsOfInstance(this.obj, this.ctx.bindingInformer.list()).map((b) => b.metadata.name ?? '')
          : [],
        requested: !!this.status.atProvider?.serviceId && !!this.status.atProvider.planId,
        idRecorded: !!this.status.atProvider?.instanceId,
        ...(pending ? { pending } : {}),
        ...(seen.answer ? { answer: seen.answer } : {}),
        ...(seen.cleanupAnswer ? { cleanupAnswer: seen.cleanupAnswer } : {}),
        ...(seen.observed ? { observed: seen.observed } : {}),
        backoffRemainingMs: this.ctx.gate.waitMs(this.key),
        cleanupBackoffRemainingMs: this.ctx.gate.waitMs(this.cleanupKey),
        nowMs: this.ctx.now().getTime(),
        ...(seen.maximumPollingDurationMs !== undefined
          ? { maximumPollingDurationMs: seen.maximumPollingDurationMs }
          : {}),
        ...(lastError !== undefined ? { lastError } : {}),
      });
      // Every step that may reach the broker connects first (and, for a live instance, resolves
      // service and plan), so a broker that cannot be reached fails the reconcile at the same point.
      const broker = offlineSteps.has(next.step) ? undefined : await this.broker(deleting);
      switch (next.step) {
        case 'done':
          return {};
        case 'release':
          await releaseManaged(this.ctx.instances, this.obj, this.signal);
          return {};
        case 'blocked':
          await this.commit(deletingState(next.message));
          return { requeueAfterMs: this.ctx.timing.waitIntervalMs };
        case 'record-id':
          // Recorded before anything is sent, so every later request uses the same id.
          this.atProvider.instanceId = id;
          await this.commit(creating('Preparing to provision the instance.'));
          break;
        case 'poll': {
          const client = required(broker).client;
          seen.maximumPollingDurationMs = deleting
            ? await this.pollingLimit(client)
            : maximumPollingDurationMs(resolved(broker).plan);
          seen.answer = await this.lastOperation(client, next.operation, id);
          break;
        }
        case 'send-cleanup':
          seen.cleanupAnswer = await this.sendDelete(required(broker).client, id);
          break;
        case 'apply': {
          if (next.decision.step === 'continue' && pending) this.settled(pending.kind);
          const outcome = await this.perform(next.decision, seen.answer?.retryAfterMs);
          if (outcome) return outcome;
          // The operation is over: what was observed of it says nothing about what comes next.
          seen = {};
          break;
        }
        case 'observe': {
          const { service, plan } = resolved(broker);
          const observed = await step('CannotObserveExternalResource', () =>
            this.observe(required(broker).client, service, id),
          );
          if (observed.exists) this.record(observed);
          const drift = observed.exists
            ? instanceDrift({
                desiredPlanId: plan.id,
                observedPlanId: observed.planId ?? this.atProvider.planId,
                desiredParameters: this.forProvider.parameters,
                observedParameters: observed.parameters ?? this.atProvider.parameters,
              })
            : undefined;
          seen.observed = {
            exists: observed.exists,
            ready: instanceReadyState({ state: observed.state }),
            drift: drift !== undefined,
          };
          seen.driftParameters = drift?.parameters;
          break;
        }
        case 'provision': {
          const { service, plan } = resolved(broker);
          return this.provision(required(broker).client, service, plan, id, required(broker).settings);
        }
        case 'update': {
          const { service, plan } = resolved(broker);
          return this.update(required(broker).client, service, plan, id, seen.driftParameters);
        }
        case 'deprovision':
          return this.deprovision(required(broker).client, id);
        case 'steady':
          await this.commit(next.ready);
          this.ctx.gate.succeeded(this.key);
          return {
            requeueAfterMs:
              next.ready.reason === 'Available'
                ? this.ctx.timing.pollIntervalMs
                : this.ctx.operationPolls.next(this.key),
          };
      }
    }
    throw new Error(`the reconcile of instance ${this.obj.metadata.name ?? ''} did not settle`);
  }

  /** Connects to the broker once per reconcile; a live instance also resolves service and plan. */
  private async broker(deleting: boolean): Promise<Broker> {
    if (this.connection) return this.connection;
    const { client, settings } = await step('CannotConnectToProvider', () =>
      this.ctx.osbClientFor(this.obj.spec.providerConfigRef?.name ?? '', this.signal),
    );
    const entry = deleting
      ? undefined
      : await step('CannotResolveServiceAndPlan', () =>
          client.findServiceAndPlan(this.forProvider.serviceName, this.forProvider.planName, {
            signal: this.signal,
          }),
        );
    this.connection = { client, settings, ...(entry ? { entry } : {}) };
    return this.connection;
  }

  /** Bookkeeping of an operation that is over: its back-off ends, a provision leaves an instance. */
  private settled(kind: OperationKind): void {
    if (kind === 'cleanup' || kind === 'cleanup-due') this.ctx.gate.succeeded(this.cleanupKey);
    else this.ctx.gate.succeeded(this.key);
    if (kind === 'provision') this.atProvider.state ??= 'provisioned';
  }

  /** Back-off of repeated clean-ups, apart from the one of provision retries. */
  private get cleanupKey(): string {
    return `${this.key}/cleanup`;
  }

  private lastError(): string | undefined {
    const synced = getCondition(this.status.conditions, SYNCED);
    return synced?.status === 'False' ? synced.message : undefined;
  }

  private pendingOperation(): PendingOperation | undefined {
    return parsePendingOperation(this.status.pendingOperation, (): OperationKind => {
      if (isBeingDeleted(this.obj)) return 'deprovision';
      return this.atProvider.state === undefined ? 'provision' : 'update';
    });
  }

  /**
   * Performs a decision: records the pending operation, starts its back-off, writes the status
   * (nothing at all while waiting) and the Event. Returns the reconcile's outcome, or undefined
   * when the reconcile goes on.
   */
  private async perform(
    decision: InstanceDecision,
    retryAfterMs?: number,
  ): Promise<ReconcileOutcome | undefined> {
    if (decision.step === 'wait') {
      return {
        requeueAfterMs: Math.max(this.ctx.gate.waitMs(this.key), this.ctx.gate.waitMs(this.cleanupKey)),
      };
    }
    if (decision.pending) this.status.pendingOperation = encodePendingOperation(decision.pending);
    else delete this.status.pendingOperation;
    if (decision.step !== 'poll') this.ctx.operationPolls.done(this.key);
    let delay: number | undefined;
    if (decision.backoff === 'change') delay = this.ctx.gate.failed(this.key);
    if (decision.backoff === 'cleanup') delay = this.ctx.gate.failed(this.cleanupKey);
    if (decision.step === 'released') {
      this.ctx.gate.succeeded(this.key);
      this.ctx.gate.succeeded(this.cleanupKey);
      this.atProvider.state = 'deleted';
      await this.commit(decision.ready);
      await releaseManaged(this.ctx.instances, this.obj, this.signal);
      return {};
    }
    // Until the clean-up is confirmed and a provision succeeds, nothing usable exists.
    if (decision.pending?.kind === 'cleanup' || decision.pending?.kind === 'cleanup-due')
      delete this.atProvider.state;
    await this.commit(decision.ready, decision.error, decision.keepSynced ? { keepSynced: true } : {});
    if (decision.event)
      await this.ctx.events.warning(this.obj, decision.event.reason, decision.event.message);
    if (decision.step === 'poll')
      return { requeueAfterMs: this.ctx.operationPolls.next(this.key, retryAfterMs) };
    if (decision.step === 'failed') {
      // A clean-up that is owed is sent right away; its own failures back off.
      const cleanupNow = decision.pending?.kind === 'cleanup-due' && decision.backoff === 'change';
      return { requeueAfterMs: cleanupNow ? this.ctx.timing.operationPollIntervalMs : (delay ?? 0) };
    }
    if (this.status.pendingOperation === undefined && decision.ready?.reason === 'Unavailable') {
      // A clean-up finished: provision again once the provision's back-off allows it.
      const wait = this.ctx.gate.waitMs(this.key);
      if (wait > 0) return { requeueAfterMs: wait };
    }
    return undefined;
  }

  /** The broker's `last_operation` answer for the pending operation. */
  private lastOperation(
    client: OsbClient,
    pending: PendingOperation,
    id: string,
  ): Promise<LastOperationResult> {
    return step('CannotObserveExternalResource', () =>
      client.lastOperation(
        id,
        {
          ...(pending.key !== undefined ? { operation: pending.key } : {}),
          ...(this.atProvider.serviceId ? { serviceId: this.atProvider.serviceId } : {}),
          ...(this.atProvider.planId ? { planId: this.atProvider.planId } : {}),
          deleting: pending.kind === 'deprovision' || pending.kind === 'cleanup',
        },
        this.requestOptions(),
      ),
    );
  }

  /** A DELETE of the instance; 410 (and the a9s 404 of an unknown instance) mean it is gone. */
  private async sendDelete(client: OsbClient, id: string): Promise<DeleteAnswer> {
    try {
      const result = await client.deprovision(
        id,
        { serviceId: this.atProvider.serviceId ?? '', planId: this.atProvider.planId ?? '' },
        { ...this.requestOptions(), acceptsIncomplete: true },
      );
      return result.kind === 'async'
        ? { kind: 'async', ...(result.operation !== undefined ? { operation: result.operation } : {}) }
        : { kind: 'gone' };
    } catch (err) {
      if (err instanceof OsbError && (err.isInstanceNotFound() || err.isGone())) return { kind: 'gone' };
      if (!(err instanceof OsbError)) throw err;
      return { kind: 'error', message: userMessageOf(err) };
    }
  }

  /**
   * Looks at the instance at the broker: the a9s extension (state, timestamps) when the broker
   * offers it, the OSB fetch (parameters) when the service is instances_retrievable. A broker
   * offering neither cannot be observed; the instance then exists once a provision succeeded.
   */
  private async observe(client: OsbClient, service: OsbService, id: string): Promise<Observation> {
    const obs: Observation = { exists: false };
    let seen = false;
    if (await client.supportsA9sExtensions({ signal: this.signal })) {
      try {
        const a9s = await client.fetchA9sInstance(id, this.requestOptions());
        if (a9s.state === 'deleted') return { exists: false };
        seen = true;
        obs.exists = true;
        if (a9s.state !== undefined) obs.state = a9s.state;
        if (a9s.planGuid) obs.planId = a9s.planGuid;
        if (a9s.serviceGuid) obs.serviceId = a9s.serviceGuid;
        if (a9s.dashboardUrl) obs.dashboardUrl = a9s.dashboardUrl;
        if (isJsonObject(a9s.context?.parameters)) obs.parameters = a9s.context.parameters;
        obs.times = {
          createdAt: statusTime(a9s.createdAt),
          provisionedAt: statusTime(a9s.provisionedAt),
          updatedAt: statusTime(a9s.updatedAt),
          deletedAt: statusTime(a9s.deletedAt),
        };
      } catch (err) {
        if (!(err instanceof OsbError && (err.isInstanceNotFound() || err.isNotFound()))) throw err;
        return { exists: false };
      }
    }
    if (service.instances_retrievable) {
      try {
        const inst = await client.fetchInstance(id, {
          ...this.requestOptions(),
          ...(this.atProvider.serviceId ? { serviceId: this.atProvider.serviceId } : {}),
          ...(this.atProvider.planId ? { planId: this.atProvider.planId } : {}),
        });
        seen = true;
        obs.exists = true;
        if (inst.planId) obs.planId = inst.planId;
        if (inst.serviceId) obs.serviceId = inst.serviceId;
        if (inst.dashboardUrl) obs.dashboardUrl = inst.dashboardUrl;
        // A broker that leaves parameters out says nothing about them: keep what was requested,
        // or every poll would find a difference and update again.
        if (inst.parameters) obs.parameters = inst.parameters;
      } catch (err) {
        // 404 (gone) and 422 ConcurrencyError (still being provisioned) both mean "not usable yet".
        if (!(err instanceof OsbError && (err.isNotFound() || err.isGone()))) throw err;
        return { exists: false };
      }
    }
    if (!seen) obs.exists = this.atProvider.state !== undefined && this.atProvider.state !== 'deleted';
    return obs;
  }

  private record(obs: Observation): void {
    const at = this.atProvider;
    const state = knownState(obs.state);
    if (state !== undefined) at.state = state;
    else if (at.state === undefined || at.state === 'created' || at.state === 'deploying')
      at.state = 'provisioned';
    if (obs.planId) at.planId = obs.planId;
    if (obs.serviceId) at.serviceId = obs.serviceId;
    if (obs.parameters) at.parameters = obs.parameters;
    if (obs.dashboardUrl) at.dashboardUrl = obs.dashboardUrl;
    for (const [k, v] of Object.entries(obs.times ?? {})) {
      if (v !== undefined) (at as Record<string, unknown>)[k] = v;
    }
  }

  private context(): Record<string, unknown> {
    return kubernetesContext(this.obj, this.forProvider.context, this.ctx.platform);
  }

  private async provision(
    client: OsbClient,
    service: OsbService,
    plan: OsbPlan,
    id: string,
    settings: { organizationGuid?: string; spaceGuid?: string },
  ): Promise<ReconcileOutcome> {
    // The ids are recorded before the request: a deletion must be able to deprovision whatever
    // this request may create, even if the provider stops right after sending it.
    this.atProvider.serviceId = service.id;
    this.atProvider.planId = plan.id;
    if (this.forProvider.parameters !== undefined) this.atProvider.parameters = this.forProvider.parameters;
    delete this.atProvider.state;
    await this.commit(creating('Provisioning the instance at the broker.'));
    const guids = provisionGuids({
      mr: this.obj,
      instance: {
        ...(this.forProvider.organizationGuid ? { organizationGuid: this.forProvider.organizationGuid } : {}),
        ...(this.forProvider.spaceGuid ? { spaceGuid: this.forProvider.spaceGuid } : {}),
      },
      providerConfig: settings,
      platform: this.ctx.platform,
    });
    let result;
    try {
      result = await client.provisionWithOrphanMitigation(
        id,
        {
          serviceId: service.id,
          planId: plan.id,
          ...(this.forProvider.parameters !== undefined ? { parameters: this.forProvider.parameters } : {}),
          context: this.context(),
          organizationGuid: guids.organizationGuid,
          spaceGuid: guids.spaceGuid,
        },
        { ...this.requestOptions(), acceptsIncomplete: this.acceptsIncomplete() },
      );
    } catch (err) {
      throw await this.provisionFailed(err);
    }
    if (result.dashboardUrl) this.atProvider.dashboardUrl = result.dashboardUrl;
    if (result.kind === 'async') {
      this.status.pendingOperation = encodePendingOperation({
        kind: 'provision',
        startedAtMs: this.ctx.now().getTime(),
        ...(result.operation !== undefined ? { key: result.operation } : {}),
      });
      await this.commit(instanceReadyState({ pending: 'provision' }));
      return { requeueAfterMs: this.ctx.operationPolls.next(this.key) };
    }
    this.ctx.gate.succeeded(this.key);
    this.atProvider.state = 'provisioned';
    await this.commit(available());
    // Observe soon: the broker's view (parameters, a9s state) replaces what was requested.
    return { requeueAfterMs: this.ctx.operationPolls.next(this.key) };
  }

  /**
   * A failed provision. When orphan mitigation could not confirm its clean-up DELETE (it failed,
   * or the broker deletes asynchronously), the clean-up is recorded as pending operation before
   * the failure is reported: it is repeated (with back-off, across restarts) until the broker
   * confirms, and provisioning waits for it.
   */
  private async provisionFailed(err: unknown): Promise<ReconcileStepError> {
    const delay = this.ctx.gate.failed(this.key);
    const report = err instanceof OsbError ? err.orphanMitigation : undefined;
    if (!report || report.state === 'done')
      return new ReconcileStepError('CannotCreateExternalResource', err, delay);
    const message = userMessageOf(err);
    const nowMs = this.ctx.now().getTime();
    this.status.pendingOperation = encodePendingOperation(
      report.state === 'accepted'
        ? {
            kind: 'cleanup',
            startedAtMs: nowMs,
            ...(report.operation !== undefined ? { key: report.operation } : {}),
          }
        : { kind: 'cleanup-due', startedAtMs: nowMs },
    );
    if (report.state === 'failed') this.ctx.gate.failed(this.cleanupKey);
    const failure = cleanupPending(
      report.state === 'failed' && report.error
        ? `${message} The clean-up DELETE failed too: ${userMessageOf(report.error)}`
        : message,
    );
    await this.commit(failure.ready, failure.error);
    return new ReconcileStepError(
      'CannotCreateExternalResource',
      new UserFacingError(failure.error ?? message),
      Math.min(
        delay,
        report.state === 'failed'
          ? this.ctx.gate.waitMs(this.cleanupKey)
          : this.ctx.timing.operationPollIntervalMs,
      ),
    );
  }

  private async update(
    client: OsbClient,
    service: OsbService,
    plan: OsbPlan,
    id: string,
    parameters: JsonObject | undefined,
  ): Promise<ReconcileOutcome> {
    const previousPlanId = this.atProvider.planId;
    const result = await step(
      'CannotUpdateExternalResource',
      () =>
        client.update(
          id,
          {
            serviceId: service.id,
            planId: plan.id,
            ...(parameters !== undefined ? { parameters } : {}),
            context: this.context(),
            ...(previousPlanId ? { previousValues: { planId: previousPlanId, serviceId: service.id } } : {}),
          },
          { ...this.requestOptions(), acceptsIncomplete: this.acceptsIncomplete() },
        ),
      () => this.ctx.gate.failed(this.key),
    );
    // What was asked for becomes the recorded state until the broker reports otherwise.
    this.atProvider.planId = plan.id;
    this.atProvider.parameters = this.forProvider.parameters ?? {};
    if (result.dashboardUrl) this.atProvider.dashboardUrl = result.dashboardUrl;
    if (result.kind === 'async') {
      this.status.pendingOperation = encodePendingOperation({
        kind: 'update',
        startedAtMs: this.ctx.now().getTime(),
        ...(result.operation !== undefined ? { key: result.operation } : {}),
      });
      await this.commit(instanceReadyState({ pending: 'update' }));
      return { requeueAfterMs: this.ctx.operationPolls.next(this.key) };
    }
    this.ctx.gate.succeeded(this.key);
    await this.commit(available());
    return { requeueAfterMs: this.ctx.operationPolls.next(this.key) };
  }

  /** The DELETE of a deletion; an owed clean-up is replaced by it. */
  private async deprovision(client: OsbClient, id: string): Promise<ReconcileOutcome> {
    const serviceId = this.atProvider.serviceId ?? '';
    const planId = this.atProvider.planId ?? '';
    delete this.status.pendingOperation;
    await this.commit(deletingState('Deprovisioning the instance at the broker.'));
    let result;
    try {
      result = await client.deprovision(
        id,
        { serviceId, planId },
        { ...this.requestOptions(), acceptsIncomplete: this.acceptsIncomplete() },
      );
    } catch (err) {
      if (err instanceof OsbError && (err.isInstanceNotFound() || err.isGone())) {
        result = { kind: 'sync' as const, gone: true };
      } else {
        throw new ReconcileStepError('CannotDeleteExternalResource', err, this.ctx.gate.failed(this.key));
      }
    }
    if (result.kind === 'async') {
      this.status.pendingOperation = encodePendingOperation({
        kind: 'deprovision',
        startedAtMs: this.ctx.now().getTime(),
        ...(result.operation !== undefined ? { key: result.operation } : {}),
      });
      await this.commit(instanceReadyState({ pending: 'deprovision' }));
      return { requeueAfterMs: this.ctx.operationPolls.next(this.key) };
    }
    this.ctx.gate.succeeded(this.key);
    this.ctx.gate.succeeded(this.cleanupKey);
    this.atProvider.state = 'deleted';
    await this.commit(deletingState('The instance has been deprovisioned.'));
    await releaseManaged(this.ctx.instances, this.obj, this.signal);
    return {};
  }

  /** The plan's maximum_polling_duration, looked up by the recorded ids (the spec may have changed). */
  private async pollingLimit(client: OsbClient): Promise<number | undefined> {
    try {
      const catalog = await client.getCatalog({ signal: this.signal });
      const entry = findByIds(catalog, this.atProvider.serviceId ?? '', this.atProvider.planId ?? '');
      return entry ? maximumPollingDurationMs(entry.plan) : undefined;
    } catch (err) {
      if (this.signal.aborted) throw err;
      // Without the catalog the operation is polled without a limit; the next reconcile tries again.
      return undefined;
    }
  }
}

/** The reconciler of ServiceInstance managed resources (keys are resource names). */
export function serviceInstanceReconciler(ctx: ProviderContext): Reconciler {
  return async (key, { signal, logger }) => {
    const obj = await ctx.instances.tryGet(key, { signal });
    if (!obj) return;
    const run = new InstanceReconcile(ctx, obj, signal, logger);
    try {
      const outcome = await run.run();
      ctx.failureBackoff.succeeded(`serviceinstance/${key}`);
      return outcome;
    } catch (err) {
      if (signal.aborted) throw err;
      return reportFailure(ctx, ctx.instances, run.obj, err, logger, signal, `serviceinstance/${key}`);
    }
  };
}
