import { randomBytes, randomUUID } from 'node:crypto';
import { passphraseContext } from '../backupManager/backupService.js';
import type { ResolvedPlan } from '../catalog/brokerCatalog.js';
import { instanceResourceNames } from '../engines/resourceNames.js';
import { busyRetryAfterSeconds } from '../brokerDefaults.js';
import { HttpError, badRequest, tooManyRequests } from '../http/httpErrors.js';
import type { HttpResponse } from '../http/router.js';
import { mergeParameterPatch, patchAssignments } from '../parameters/parameterMerge.js';
import { listBindings } from '../state/bindingRepository.js';
import {
  getInstance,
  insertInstance,
  listInstances,
  lockInstanceId,
  setInstanceContext,
  setInstanceState,
} from '../state/instanceRepository.js';
import {
  countOperationsInProgressLocked,
  getOperation,
  insertOperation,
  latestOperation,
  operationInProgress,
} from '../state/operationRepository.js';
import { withTransaction } from '../state/stateDatabase.js';
import type { OperationKind, OperationRecord, OperationTarget, Queryable } from '../state/stateRecords.js';
import { dashboardUrl } from './brokerContext.js';
import type { BrokerContext } from './brokerContext.js';
import { decideDeprovision, decideProvision, decideUpdate } from './instanceDecisions.js';
import { a9sInstanceView, dashboardPage } from './instanceViews.js';
import { asyncRequired, concurrencyError, instanceNotFound } from './osbErrors.js';
import {
  acceptsIncomplete,
  parseProvisionRequest,
  parseUpdateRequest,
  requiredQuery,
} from './osbRequests.js';

/** OSB service instances and the a9s instance extension. */
export class InstanceService {
  constructor(private readonly context: BrokerContext) {}

  async provision(
    instanceId: string,
    body: unknown,
    query: URLSearchParams,
    identity: unknown,
  ): Promise<HttpResponse> {
    const request = parseProvisionRequest(body);
    const resolved = this.resolvePlan(request.serviceId, request.planId);
    this.validateParameters(resolved, request.parameters);
    const dashboard = dashboardUrl(this.context, instanceId);
    const result = await withTransaction(this.context.pool, async (client): Promise<HttpResponse> => {
      await lockInstanceId(client, instanceId);
      const existing = await getInstance(client, instanceId);
      const decision = decideProvision(existing, await operationInProgress(client, instanceId), request);
      switch (decision.action) {
        case 'alreadyProvisioned':
          return { status: 200, body: { dashboard_url: dashboard } };
        case 'inProgress':
          return { status: 202, body: { dashboard_url: dashboard, operation: decision.operationId } };
        case 'busy':
          throw concurrencyError();
        case 'conflict':
          throw new HttpError(409, { error: 'Conflict', description: decision.description });
        case 'create':
          break;
      }
      if (!acceptsIncomplete(query)) throw asyncRequired();
      await this.admitOperation(client, 'provision');
      if (existing) {
        // A new instance under an old id starts without the old one's history of backups.
        await client.query('DELETE FROM restores WHERE instance_id = $1', [instanceId]);
        await client.query('DELETE FROM backups WHERE instance_id = $1', [instanceId]);
      }
      await insertInstance(client, {
        id: instanceId,
        engine: resolved.engine,
        serviceId: resolved.service.id,
        serviceName: resolved.service.name,
        planId: resolved.plan.id,
        planName: resolved.plan.name,
        parameters: request.parameters,
        context: request.context,
        organizationGuid: request.organizationGuid,
        spaceGuid: request.spaceGuid,
        databaseName: instanceResourceNames(instanceId).database,
        sealedBackupPassphrase: this.context.secretBox.seal(
          randomBytes(24).toString('base64url'),
          passphraseContext(instanceId),
        ),
      });
      const operation = await this.newOperation(client, instanceId, 'provision', identity, {
        planId: resolved.plan.id,
        planName: resolved.plan.name,
        parameters: request.parameters,
      });
      return { status: 202, body: { dashboard_url: dashboard, operation } };
    });
    this.submitIfNew(result);
    return result;
  }

  async update(
    instanceId: string,
    body: unknown,
    query: URLSearchParams,
    identity: unknown,
  ): Promise<HttpResponse> {
    const request = parseUpdateRequest(body);
    const dashboard = dashboardUrl(this.context, instanceId);
    const result = await withTransaction(this.context.pool, async (client): Promise<HttpResponse> => {
      await lockInstanceId(client, instanceId);
      const instance = await getInstance(client, instanceId);
      if (!instance || instance.state === 'deleted') throw instanceNotFound(404, instanceId);
      if (request.serviceId !== instance.serviceId) {
        throw badRequest(
          `service_id ${request.serviceId} is not the service of instance ${instanceId} (${instance.serviceName}, ` +
            `${instance.serviceId}); an instance cannot change its service.`,
        );
      }
      const resolved = this.resolvePlan(instance.serviceId, request.planId ?? instance.planId);
      this.validateParameters(resolved, patchAssignments(request.parameters));
      const target: OperationTarget = {
        planId: resolved.plan.id,
        planName: resolved.plan.name,
        parameters: mergeParameterPatch(instance.parameters, request.parameters),
      };
      if (request.context)
        await setInstanceContext(client, instanceId, { ...instance.context, ...request.context });
      const decision = decideUpdate(instance, await operationInProgress(client, instanceId), target);
      switch (decision.action) {
        case 'noChange':
          return { status: 200, body: { dashboard_url: dashboard } };
        case 'inProgress':
          return { status: 202, body: { dashboard_url: dashboard, operation: decision.operationId } };
        case 'busy':
          throw concurrencyError();
        case 'notUsable':
          throw new HttpError(422, { error: 'InstanceNotUsable', description: decision.description });
        case 'start':
          break;
      }
      if (!acceptsIncomplete(query)) throw asyncRequired();
      await this.admitOperation(client, 'update');
      await setInstanceState(client, instanceId, 'updating');
      const operation = await this.newOperation(client, instanceId, 'update', identity, target);
      return { status: 202, body: { dashboard_url: dashboard, operation } };
    });
    this.submitIfNew(result);
    return result;
  }

  async deprovision(instanceId: string, query: URLSearchParams, identity: unknown): Promise<HttpResponse> {
    const serviceId = requiredQuery(query, 'service_id', 'deprovision');
    requiredQuery(query, 'plan_id', 'deprovision');
    const result = await withTransaction(this.context.pool, async (client): Promise<HttpResponse> => {
      await lockInstanceId(client, instanceId);
      const instance = await getInstance(client, instanceId);
      const decision = decideDeprovision(instance, await operationInProgress(client, instanceId));
      if (decision.action === 'gone' || !instance) {
        throw instanceNotFound(410, instanceId, 'does not exist or is already deprovisioned');
      }
      if (serviceId !== instance.serviceId) {
        throw badRequest(
          `service_id ${serviceId} is not the service of instance ${instanceId} (${instance.serviceId}).`,
        );
      }
      if (decision.action === 'inProgress') return { status: 202, body: { operation: decision.operationId } };
      if (decision.action === 'busy') throw concurrencyError();
      if (!acceptsIncomplete(query)) throw asyncRequired();
      await this.admitOperation(client, 'deprovision');
      await setInstanceState(client, instanceId, 'deprovisioning');
      const operation = await this.newOperation(client, instanceId, 'deprovision', identity, null);
      return { status: 202, body: { operation } };
    });
    this.submitIfNew(result);
    return result;
  }

  async fetch(instanceId: string): Promise<HttpResponse> {
    const instance = await getInstance(this.context.pool, instanceId);
    if (!instance || instance.state === 'deleted') throw instanceNotFound(404, instanceId);
    // The OSB specification requires 422 while the instance is being provisioned or updated.
    if (instance.state === 'provisioning' || instance.state === 'updating') throw concurrencyError();
    return {
      status: 200,
      body: {
        service_id: instance.serviceId,
        plan_id: instance.planId,
        dashboard_url: dashboardUrl(this.context, instanceId),
        parameters: instance.parameters,
      },
    };
  }

  async lastOperation(instanceId: string, query: URLSearchParams): Promise<HttpResponse> {
    const { pool } = this.context;
    const instance = await getInstance(pool, instanceId);
    if (!instance) throw instanceNotFound(404, instanceId);
    const requested = query.get('operation');
    let op: OperationRecord | undefined;
    if (requested) {
      op = await getOperation(pool, requested);
      if (op?.instanceId !== instanceId) {
        throw badRequest(
          `Operation ${requested} is not an operation of service instance ${instanceId}.`,
          'InvalidOperation',
        );
      }
    } else {
      op = await latestOperation(pool, instanceId);
    }
    // The instance was read before the operation: a deprovision that finished in between is
    // answered like the deleted instance it left, not once as `succeeded` and then as 410.
    if (instance.state === 'deleted' || (op?.kind === 'deprovision' && op.state === 'succeeded')) {
      // The platform polls a deprovision until 410 (or succeeded); either way the instance is gone.
      throw instanceNotFound(410, instanceId, 'has been deprovisioned');
    }
    if (!op) return { status: 200, body: { state: 'succeeded', description: 'No operation has run.' } };
    if (op.state === 'in progress') {
      const retryAfter = retryAfterSeconds(op.createdAt, this.context.provisionDelayMs, new Date());
      return {
        status: 200,
        ...(retryAfter !== undefined ? { headers: { 'retry-after': String(retryAfter) } } : {}),
        body: { state: op.state, description: progressDescription(op) },
      };
    }
    const body: Record<string, unknown> = { state: op.state, description: op.description };
    if (op.state === 'failed' && op.kind !== 'provision') {
      body.instance_usable = op.kind === 'update';
      body.update_repeatable = op.kind === 'update';
    }
    return { status: 200, body };
  }

  async a9sInstance(instanceId: string): Promise<HttpResponse> {
    const instance = await getInstance(this.context.pool, instanceId);
    if (!instance) throw instanceNotFound(404, instanceId);
    const bindings = await listBindings(this.context.pool, instanceId);
    return { status: 200, body: a9sInstanceView(instance, bindings, dashboardUrl(this.context, instanceId)) };
  }

  /** The a9s instance list, paged as the a9s service broker does. */
  async a9sInstances(query: URLSearchParams): Promise<HttpResponse> {
    const perPage = clampInt(query.get('per_page'), 50, 1, 500);
    const page = clampInt(query.get('page'), 1, 1, Number.MAX_SAFE_INTEGER);
    const all = await listInstances(this.context.pool, { includeDeleted: false });
    const totalPages = Math.max(1, Math.ceil(all.length / perPage));
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const resources = [];
    for (const instance of slice) {
      const bindings = await listBindings(this.context.pool, instance.id);
      resources.push(a9sInstanceView(instance, bindings, dashboardUrl(this.context, instance.id)));
    }
    const pageUrl = (p: number) => `/instances?page=${p}&per_page=${perPage}`;
    return {
      status: 200,
      body: {
        total_results: all.length,
        total_pages: totalPages,
        current_page: page,
        prev_url: page > 1 ? pageUrl(page - 1) : null,
        next_url: page < totalPages ? pageUrl(page + 1) : null,
        resources,
      },
    };
  }

  async dashboard(instanceId: string): Promise<HttpResponse> {
    const instance = await getInstance(this.context.pool, instanceId);
    if (!instance) throw instanceNotFound(404, instanceId);
    const bindings = await listBindings(this.context.pool, instanceId);
    return {
      status: 200,
      html: dashboardPage(instance, bindings, await latestOperation(this.context.pool, instanceId)),
    };
  }

  private resolvePlan(serviceId: string, planId: string): ResolvedPlan {
    const { catalog } = this.context;
    const service = catalog.findService(serviceId);
    if (!service) {
      throw badRequest(
        `service_id ${serviceId} is not in this broker's catalog; the services are ${catalog.serviceNames().join(', ')} ` +
          '(ids in GET /v2/catalog).',
      );
    }
    const resolved = catalog.findPlan(serviceId, planId);
    if (!resolved) {
      throw badRequest(
        `plan_id ${planId} is not a plan of service ${service.service.name}; its plans are ` +
          `${service.service.plans.map((p) => p.name).join(', ')} (ids in GET /v2/catalog).`,
      );
    }
    return resolved;
  }

  private validateParameters(resolved: ResolvedPlan, parameters: Record<string, unknown>): void {
    const refusal = this.context.catalog.planRefusal(resolved.engine, resolved.plan.name);
    if (refusal) throw badRequest(`The sandbox broker cannot provide this plan: ${refusal}.`);
    const problems = this.context.catalog.validatorFor(resolved.engine)(parameters);
    if (problems.length > 0) {
      throw badRequest(`Invalid parameters for plan ${resolved.plan.name}: ${problems.join(' ')}`);
    }
  }

  /**
   * Bounds the operations waiting to run: beyond the bound the request is refused with 429 before
   * anything is written, so the platform's retry later finds the instance exactly as before.
   */
  private async admitOperation(client: Queryable, kind: OperationKind): Promise<void> {
    const max = this.context.maxPendingOperations;
    const pending = await countOperationsInProgressLocked(client);
    if (pending >= max) {
      throw tooManyRequests(
        `The broker already has ${pending} operations in progress (at most ${max}); the ${kind} was not ` +
          `started. Send the request again after ${busyRetryAfterSeconds} seconds.`,
        busyRetryAfterSeconds,
      );
    }
  }

  private async newOperation(
    client: Queryable,
    instanceId: string,
    kind: OperationKind,
    identity: unknown,
    target: OperationTarget | null,
  ): Promise<string> {
    const id = `${kind}-${randomUUID()}`;
    await insertOperation(client, {
      id,
      instanceId,
      kind,
      target,
      originatingIdentity: identity,
      description: `${kind} accepted`,
    });
    return id;
  }

  /** Operations start after their transaction committed, so the runner sees them. */
  private submitIfNew(result: HttpResponse): void {
    const operation = (result.body as { operation?: unknown } | undefined)?.operation;
    if (result.status === 202 && typeof operation === 'string') this.context.runner.submit(operation);
  }
}

function progressDescription(op: OperationRecord): string {
  const what =
    op.kind === 'provision' ? 'Provisioning' : op.kind === 'update' ? 'Updating' : 'Deprovisioning';
  return `${what} service instance ${op.instanceId} is in progress.`;
}

function clampInt(value: string | null, fallback: number, min: number, max: number): number {
  const n = Number(value);
  if (value === null || !Number.isInteger(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

/**
 * Retry-After counts whole seconds, so suggesting "1" for work that ends in a
 * few hundred milliseconds would make every platform wait longer than needed.
 * It is sent only while at least a second of the start delay remains; below
 * that the platform polls at its own (faster) pace.
 */
export function retryAfterSeconds(createdAt: Date, delayMs: number, now: Date): number | undefined {
  const remainingMs = createdAt.getTime() + delayMs - now.getTime();
  return remainingMs >= 1000 ? Math.ceil(remainingMs / 1000) : undefined;
}
