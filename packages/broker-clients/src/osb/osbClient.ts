import { randomUUID } from 'node:crypto';
import { waitUnlessAborted } from '../http/abortRace.js';
import { ClientConfigurationError } from '../http/displayUrl.js';
import { HttpEndpoint, type HttpAnswer, type HttpCall, type QueryParams } from '../http/httpEndpoint.js';
import {
  MalformedBodyError,
  parseJsonObject,
  tryParseJsonObject,
  type JsonObject,
} from '../http/jsonBody.js';
import { parseRetryAfter } from '../http/retryAfter.js';
import type { TlsSettings } from '../http/tlsSettings.js';
import { TransportFailure } from '../http/transportFailure.js';
import { CatalogCache } from './catalogCache.js';
import { findServiceAndPlanInCatalog } from './catalogLookup.js';
import {
  bindWithOrphanMitigation,
  provisionWithOrphanMitigation,
  runOrphanMitigation,
} from './orphanMitigatingCalls.js';
import type { OrphanMitigationReport, OrphanMitigationTask } from './orphanMitigation.js';
import {
  OsbMalformedResponseError,
  osbErrorFromAnswer,
  osbErrorFromTransport,
  type OsbCallContext,
} from './osbErrors.js';
import { osbRequestHeaders, validateBrokerAuth, type BrokerAuth } from './osbHeaders.js';
import {
  parseA9sInstance,
  parseBindingDetails,
  parseCatalog,
  parseInstance,
  parseInstanceOperationAnswer,
  parseLastOperation,
  parseOperationAnswer,
} from './osbResponses.js';
import type {
  A9sInstance,
  AsyncOptions,
  BindRequest,
  BindResult,
  DeprovisionRequest,
  DeprovisionResult,
  FetchInstanceParams,
  LastOperationParams,
  LastOperationResult,
  OsbBinding,
  OsbCatalog,
  OsbInstance,
  OsbOperation,
  OsbPlan,
  OsbRequestOptions,
  OsbService,
  ProvisionRequest,
  ProvisionResult,
  UnbindRequest,
  UnbindResult,
  UpdateRequest,
  UpdateResult,
} from './osbTypes.js';

export interface OsbClientOptions extends TlsSettings {
  /** Base URL of the broker, e.g. https://broker.example.com:3000 (a path prefix is kept). */
  url: string;
  /** Basic or bearer auth. User info in the URL counts as basic auth when this is left out. */
  auth?: BrokerAuth;
  /** Deadline per request. Default 60 s. */
  timeoutMs?: number;
  /** How long the catalog is reused. Default 15 s; 0 disables caching. */
  catalogTtlMs?: number;
  /** Platform name of the originating identity header. Default "kubernetes". */
  platform?: string;
}

interface Call {
  method: HttpCall['method'];
  path: string;
  query?: QueryParams;
  body?: unknown;
}

const enc = encodeURIComponent;

function nonEmpty(value: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

function instancePath(instanceId: string): string {
  return `/v2/service_instances/${enc(nonEmpty(instanceId, 'instanceId'))}`;
}

function bindingPath(instanceId: string, bindingId: string): string {
  return `${instancePath(instanceId)}/service_bindings/${enc(nonEmpty(bindingId, 'bindingId'))}`;
}

/**
 * A client for one Open Service Broker (API v2.17), with its own connection pool.
 * Every method throws OsbError (or a subclass) for broker failures and rethrows the
 * reason of an aborted signal as is. Call close() when done.
 */
export class OsbClient {
  /** The broker's base URL without credentials. */
  readonly url: string;
  private readonly endpoint: HttpEndpoint;
  private readonly auth: BrokerAuth | undefined;
  private readonly platform: string;
  private readonly catalog: CatalogCache<OsbCatalog>;
  private a9sSupport: boolean | undefined;
  private a9sProbe: Promise<boolean> | undefined;

  constructor(opts: OsbClientOptions) {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new ClientConfigurationError(
        `the service broker timeout must be a positive number of milliseconds`,
      );
    }
    const ttl = opts.catalogTtlMs ?? 15_000;
    if (!Number.isFinite(ttl) || ttl < 0) {
      throw new ClientConfigurationError(`the catalog cache TTL must be 0 (disabled) or more milliseconds`);
    }
    const authProblem = validateBrokerAuth(opts.auth);
    if (authProblem) throw new ClientConfigurationError(authProblem);
    const platform = opts.platform ?? 'kubernetes';
    if (!platform || /\s/.test(platform)) {
      throw new ClientConfigurationError(`the platform name "${platform}" must be a non-empty word`);
    }
    this.endpoint = new HttpEndpoint({ ...opts, timeoutMs, what: 'service broker' });
    this.url = this.endpoint.displayUrl;
    this.auth = opts.auth ?? this.endpoint.urlCredentials;
    this.platform = platform;
    this.catalog = new CatalogCache<OsbCatalog>(ttl);
  }

  /** Sends one request; transport failures become OsbError, answers are returned whatever their status. */
  private async exchange(
    operation: OsbOperation,
    call: Call,
    opts: OsbRequestOptions,
  ): Promise<{ answer: HttpAnswer; ctx: OsbCallContext }> {
    const hasBody = call.body !== undefined;
    const { headers, requestIdentity } = osbRequestHeaders({
      auth: this.auth,
      platform: this.platform,
      originatingIdentity: opts.originatingIdentity,
      requestIdentity: opts.requestIdentity,
      hasBody,
    });
    const ctx: OsbCallContext = { operation, brokerUrl: this.url, requestIdentity };
    try {
      const answer = await this.endpoint.call({
        method: call.method,
        path: call.path,
        query: call.query,
        headers,
        body: hasBody ? JSON.stringify(call.body) : undefined,
        signal: opts.signal,
      });
      return { answer, ctx };
    } catch (err) {
      if (err instanceof TransportFailure) throw osbErrorFromTransport(ctx, err);
      throw err;
    }
  }

  /** Reads a success body with `read`; anything unusable becomes OsbMalformedResponseError. */
  private readBody<T>(ctx: OsbCallContext, answer: HttpAnswer, read: (body: JsonObject) => T): T {
    const parsed = parseJsonObject(answer.text);
    if (!parsed.ok)
      throw new OsbMalformedResponseError({ ...ctx, status: answer.status, reason: parsed.reason });
    try {
      return read(parsed.value);
    } catch (err) {
      if (err instanceof MalformedBodyError) {
        throw new OsbMalformedResponseError({ ...ctx, status: answer.status, reason: err.message });
      }
      throw err;
    }
  }

  /** GET /v2/catalog, cached for catalogTtlMs; concurrent callers share one request. */
  async getCatalog(opts: OsbRequestOptions = {}): Promise<OsbCatalog> {
    // The shared fetch must not die with the first caller's signal; each caller's wait does.
    const { signal, ...shared } = opts;
    return this.catalog.get(async () => {
      const { answer, ctx } = await this.exchange(
        'getCatalog',
        { method: 'GET', path: '/v2/catalog' },
        shared,
      );
      if (answer.status !== 200) throw osbErrorFromAnswer(ctx, answer);
      return this.readBody(ctx, answer, parseCatalog);
    }, signal);
  }

  /** Forgets the cached catalog, e.g. after the broker was reconfigured. */
  invalidateCatalog(): void {
    this.catalog.invalidate();
  }

  /**
   * The service (exact name, else prefix of a catalog name) and plan (exact name).
   * Throws CatalogLookupError with a user-facing message when either is unknown.
   */
  async findServiceAndPlan(
    serviceName: string,
    planName: string,
    opts: OsbRequestOptions = {},
  ): Promise<{ service: OsbService; plan: OsbPlan }> {
    const catalog = await this.getCatalog(opts);
    return findServiceAndPlanInCatalog(catalog, serviceName, planName, this.url);
  }

  /** PUT /v2/service_instances/{id}: 200 already existed, 201 created, 202 accepted (async). */
  async provision(
    instanceId: string,
    req: ProvisionRequest,
    opts: AsyncOptions = {},
  ): Promise<ProvisionResult> {
    const acceptsIncomplete = opts.acceptsIncomplete ?? true;
    const { answer, ctx } = await this.exchange(
      'provision',
      {
        method: 'PUT',
        path: instancePath(instanceId),
        query: { accepts_incomplete: acceptsIncomplete ? true : undefined },
        body: {
          service_id: req.serviceId,
          plan_id: req.planId,
          organization_guid: req.organizationGuid,
          space_guid: req.spaceGuid,
          parameters: req.parameters,
          context: req.context,
          maintenance_info: req.maintenanceInfo,
        },
      },
      opts,
    );
    const { status } = answer;
    if (status === 200 || status === 201) {
      return {
        kind: 'sync',
        alreadyExisted: status === 200,
        ...this.readBody(ctx, answer, parseInstanceOperationAnswer),
      };
    }
    if (status === 202) {
      return {
        kind: 'async',
        alreadyExisted: false,
        ...this.readBody(ctx, answer, parseInstanceOperationAnswer),
      };
    }
    throw osbErrorFromAnswer(ctx, answer);
  }

  /** PATCH /v2/service_instances/{id}: 200 done, 202 accepted (async). */
  async update(instanceId: string, req: UpdateRequest, opts: AsyncOptions = {}): Promise<UpdateResult> {
    const acceptsIncomplete = opts.acceptsIncomplete ?? true;
    const pv = req.previousValues;
    const { answer, ctx } = await this.exchange(
      'update',
      {
        method: 'PATCH',
        path: instancePath(instanceId),
        query: { accepts_incomplete: acceptsIncomplete ? true : undefined },
        body: {
          service_id: req.serviceId,
          plan_id: req.planId,
          parameters: req.parameters,
          context: req.context,
          maintenance_info: req.maintenanceInfo,
          previous_values: pv && {
            service_id: pv.serviceId,
            plan_id: pv.planId,
            organization_id: pv.organizationId,
            space_id: pv.spaceId,
            maintenance_info: pv.maintenanceInfo,
          },
        },
      },
      opts,
    );
    if (answer.status === 200)
      return { kind: 'sync', ...this.readBody(ctx, answer, parseInstanceOperationAnswer) };
    if (answer.status === 202)
      return { kind: 'async', ...this.readBody(ctx, answer, parseInstanceOperationAnswer) };
    throw osbErrorFromAnswer(ctx, answer);
  }

  /** DELETE /v2/service_instances/{id}: 200 deleted, 410 already gone (success), 202 accepted. */
  async deprovision(
    instanceId: string,
    req: DeprovisionRequest,
    opts: AsyncOptions = {},
  ): Promise<DeprovisionResult> {
    return this.deleteResource('deprovision', instancePath(instanceId), req, opts);
  }

  private async deleteResource(
    operation: 'deprovision' | 'unbind',
    path: string,
    req: { serviceId: string; planId: string },
    opts: AsyncOptions,
  ): Promise<DeprovisionResult> {
    const acceptsIncomplete = opts.acceptsIncomplete ?? true;
    const { answer, ctx } = await this.exchange(
      operation,
      {
        method: 'DELETE',
        path,
        query: {
          service_id: req.serviceId,
          plan_id: req.planId,
          accepts_incomplete: acceptsIncomplete ? true : undefined,
        },
      },
      opts,
    );
    // The bodies of 200 and 410 carry nothing the platform needs, so they are not checked.
    if (answer.status === 200) return { kind: 'sync', gone: false };
    if (answer.status === 410) return { kind: 'sync', gone: true };
    if (answer.status === 202)
      return { kind: 'async', gone: false, ...this.readBody(ctx, answer, parseOperationAnswer) };
    throw osbErrorFromAnswer(ctx, answer);
  }

  /** GET …/last_operation. While polling a delete, 410 Gone means it succeeded. */
  async lastOperation(
    instanceId: string,
    params: LastOperationParams = {},
    requestOpts: OsbRequestOptions = {},
  ): Promise<LastOperationResult> {
    return this.pollOnce('lastOperation', `${instancePath(instanceId)}/last_operation`, {
      ...params,
      ...requestOpts,
    });
  }

  /** GET …/service_bindings/{bid}/last_operation. While polling an unbind, 410 Gone means it succeeded. */
  async bindingLastOperation(
    instanceId: string,
    bindingId: string,
    params: LastOperationParams = {},
    requestOpts: OsbRequestOptions = {},
  ): Promise<LastOperationResult> {
    return this.pollOnce('bindingLastOperation', `${bindingPath(instanceId, bindingId)}/last_operation`, {
      ...params,
      ...requestOpts,
    });
  }

  private async pollOnce(
    operation: 'lastOperation' | 'bindingLastOperation',
    path: string,
    params: LastOperationParams,
  ): Promise<LastOperationResult> {
    const { answer, ctx } = await this.exchange(
      operation,
      {
        method: 'GET',
        path,
        query: { operation: params.operation, service_id: params.serviceId, plan_id: params.planId },
      },
      params,
    );
    if (answer.status === 410 && params.deleting !== false) return { state: 'succeeded', gone: true };
    if (answer.status !== 200) throw osbErrorFromAnswer(ctx, answer);
    const result = this.readBody(ctx, answer, parseLastOperation);
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after']);
    return retryAfterMs !== undefined ? { ...result, retryAfterMs } : result;
  }

  /** GET /v2/service_instances/{id} (needs instances_retrievable). 404 → OsbError with isNotFound(). */
  async fetchInstance(instanceId: string, params: FetchInstanceParams = {}): Promise<OsbInstance> {
    const { answer, ctx } = await this.exchange(
      'fetchInstance',
      {
        method: 'GET',
        path: instancePath(instanceId),
        query: { service_id: params.serviceId, plan_id: params.planId },
      },
      params,
    );
    if (answer.status !== 200) throw osbErrorFromAnswer(ctx, answer);
    return this.readBody(ctx, answer, parseInstance);
  }

  /**
   * Whether the broker offers the a9s extension GET /instances/{id}. Probed once with
   * a random id: 200, or 404 with error "InstanceNotFound", mean yes; a plain 404 or a
   * 405 means no. Other answers throw and are asked again next time.
   */
  async supportsA9sExtensions(opts: OsbRequestOptions = {}): Promise<boolean> {
    if (this.a9sSupport !== undefined) return this.a9sSupport;
    const { signal, ...shared } = opts;
    this.a9sProbe ??= (async () => {
      try {
        const { answer, ctx } = await this.exchange(
          'probeA9sExtensions',
          { method: 'GET', path: `/instances/${randomUUID()}` },
          shared,
        );
        let supported: boolean;
        if (answer.status === 200) supported = true;
        else if (answer.status === 404)
          supported = tryParseJsonObject(answer.text)?.error === 'InstanceNotFound';
        else if (answer.status === 405) supported = false;
        else throw osbErrorFromAnswer(ctx, answer);
        this.a9sSupport = supported;
        return supported;
      } finally {
        this.a9sProbe = undefined;
      }
    })();
    return waitUnlessAborted(this.a9sProbe, signal);
  }

  /**
   * GET /instances/{id}, the a9s extension (state, guid_at_tenant, timestamps). Only
   * meaningful when supportsA9sExtensions() is true. 404 with "InstanceNotFound" →
   * OsbError with isInstanceNotFound().
   */
  async fetchA9sInstance(instanceId: string, opts: OsbRequestOptions = {}): Promise<A9sInstance> {
    const { answer, ctx } = await this.exchange(
      'fetchA9sInstance',
      { method: 'GET', path: `/instances/${enc(nonEmpty(instanceId, 'instanceId'))}` },
      opts,
    );
    if (answer.status !== 200) throw osbErrorFromAnswer(ctx, answer);
    return this.readBody(ctx, answer, parseA9sInstance);
  }

  /** PUT …/service_bindings/{bid}: 200 already existed, 201 created, 202 accepted (async). */
  async bind(
    instanceId: string,
    bindingId: string,
    req: BindRequest,
    opts: AsyncOptions = {},
  ): Promise<BindResult> {
    const acceptsIncomplete = opts.acceptsIncomplete ?? true;
    const { answer, ctx } = await this.exchange(
      'bind',
      {
        method: 'PUT',
        path: bindingPath(instanceId, bindingId),
        query: { accepts_incomplete: acceptsIncomplete ? true : undefined },
        body: {
          service_id: req.serviceId,
          plan_id: req.planId,
          parameters: req.parameters,
          context: req.context,
          bind_resource: req.bindResource && {
            app_guid: req.bindResource.appGuid,
            route: req.bindResource.route,
          },
          // Deprecated duplicate that older brokers still read.
          app_guid: req.bindResource?.appGuid,
          predecessor_binding_id: req.predecessorBindingId,
        },
      },
      opts,
    );
    const { status } = answer;
    if (status === 200 || status === 201) {
      return {
        kind: 'sync',
        alreadyExisted: status === 200,
        ...this.readBody(ctx, answer, parseBindingDetails),
      };
    }
    if (status === 202) {
      return { kind: 'async', alreadyExisted: false, ...this.readBody(ctx, answer, parseOperationAnswer) };
    }
    throw osbErrorFromAnswer(ctx, answer);
  }

  /** DELETE …/service_bindings/{bid}: 200 deleted, 410 already gone (success), 202 accepted. */
  async unbind(
    instanceId: string,
    bindingId: string,
    req: UnbindRequest,
    opts: AsyncOptions = {},
  ): Promise<UnbindResult> {
    return this.deleteResource('unbind', bindingPath(instanceId, bindingId), req, opts);
  }

  /** GET …/service_bindings/{bid} (needs bindings_retrievable): credentials, parameters, expiry. */
  async fetchBinding(
    instanceId: string,
    bindingId: string,
    params: FetchInstanceParams = {},
  ): Promise<OsbBinding> {
    const { answer, ctx } = await this.exchange(
      'fetchBinding',
      {
        method: 'GET',
        path: bindingPath(instanceId, bindingId),
        query: { service_id: params.serviceId, plan_id: params.planId },
      },
      params,
    );
    if (answer.status !== 200) throw osbErrorFromAnswer(ctx, answer);
    return this.readBody(ctx, answer, (body) => {
      const details = parseBindingDetails(body);
      const parameters = body.parameters;
      if (parameters !== undefined && parameters !== null) {
        if (typeof parameters !== 'object' || Array.isArray(parameters)) {
          throw new MalformedBodyError('"parameters" is not an object');
        }
        return { ...details, parameters: parameters as Record<string, unknown> };
      }
      return details;
    });
  }

  /** provision(), with the OSB orphan mitigation on failure (see provisionWithOrphanMitigation). */
  provisionWithOrphanMitigation(
    instanceId: string,
    req: ProvisionRequest,
    opts: AsyncOptions = {},
  ): Promise<ProvisionResult> {
    return provisionWithOrphanMitigation(this, instanceId, req, opts);
  }

  /** bind(), with the OSB orphan mitigation on failure (see bindWithOrphanMitigation). */
  bindWithOrphanMitigation(
    instanceId: string,
    bindingId: string,
    req: BindRequest,
    opts: AsyncOptions = {},
  ): Promise<BindResult> {
    return bindWithOrphanMitigation(this, instanceId, bindingId, req, opts);
  }

  /** Sends (again) the cleanup DELETE of an orphan mitigation. */
  runOrphanMitigation(
    task: OrphanMitigationTask,
    opts: OsbRequestOptions = {},
  ): Promise<OrphanMitigationReport> {
    return runOrphanMitigation(this, task, opts);
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.endpoint.close();
  }
}
