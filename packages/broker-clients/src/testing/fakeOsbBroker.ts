import { randomBytes } from 'node:crypto';
import type { BrokerAuth } from '../osb/osbHeaders.js';
import { authorizationHeader } from '../osb/osbHeaders.js';
import type { OsbCatalog } from '../osb/osbTypes.js';
import type { RecordedRequest, ScriptedResponse } from './scriptedHttpServer.js';

/** How the fake broker behaves when no script says otherwise. Mutable at any time. */
export interface FakeBrokerBehaviour {
  /** Answer 202 to provision/update/deprovision/bind/unbind when accepts_incomplete=true. Default false. */
  async: boolean;
  /** How many last_operation polls answer "in progress" before the operation ends; 'never' for never. Default 1. */
  pollsUntilDone: number | 'never';
  /** The state an asynchronous operation ends in. Default succeeded. */
  finalState: 'succeeded' | 'failed';
  /** Sent as Retry-After with "in progress" answers. */
  retryAfterSeconds?: number;
  /** Give bindings metadata.expires_at/renew_before (OSB 2.17 rotation). */
  bindingTtlSeconds?: number;
  /** Answer GET /instances/{id} (a9s extension). Default true. */
  a9sExtensions: boolean;
  /** Reject requests without a 2.x X-Broker-API-Version with 412. Default true. */
  requireVersionHeader: boolean;
}

export interface FakeOperation {
  id: string;
  kind: 'provision' | 'update' | 'deprovision' | 'bind' | 'unbind';
  polls: number;
}

export interface FakeInstance {
  id: string;
  serviceId: string;
  planId: string;
  parameters: Record<string, unknown>;
  context: Record<string, unknown> | undefined;
  organizationGuid: string | undefined;
  spaceGuid: string | undefined;
  state: 'provisioning' | 'provisioned' | 'updating' | 'deprovisioning' | 'failed';
  operation: FakeOperation | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export interface FakeBinding {
  instanceId: string;
  bindingId: string;
  serviceId: string;
  planId: string;
  parameters: Record<string, unknown>;
  credentials: Record<string, unknown>;
  predecessorBindingId: string | undefined;
  state: 'binding' | 'bound' | 'unbinding' | 'failed';
  operation: FakeOperation | undefined;
  expiresAt: Date | undefined;
  renewBefore: Date | undefined;
}

/** A small catalog matching the sandbox names: PostgreSQL and MariaDB. */
export function defaultFakeCatalog(): OsbCatalog {
  return {
    services: [
      {
        id: 'a9s-postgresql15-service-id',
        name: 'a9s-postgresql15',
        description: 'PostgreSQL 15 (fake)',
        bindable: true,
        plan_updateable: true,
        instances_retrievable: true,
        bindings_retrievable: true,
        plans: [
          {
            id: 'postgresql-single-small-plan-id',
            name: 'postgresql-single-small',
            description: 'single node, small',
            maximum_polling_duration: 3600,
            binding_rotatable: true,
          },
          {
            id: 'postgresql-replica-small-ssl-plan-id',
            name: 'postgresql-replica-small-ssl',
            description: 'three nodes, small, TLS',
            maximum_polling_duration: 3600,
          },
        ],
      },
      {
        id: 'a9s-mariadb1011-service-id',
        name: 'a9s-mariadb1011',
        description: 'MariaDB 10.11 (fake)',
        bindable: true,
        plan_updateable: true,
        instances_retrievable: true,
        bindings_retrievable: true,
        plans: [
          {
            id: 'mariadb-single-small-ssl-plan-id',
            name: 'mariadb-single-small-ssl',
            description: 'single node, small, TLS',
          },
        ],
      },
    ],
  };
}

export type CredentialsFactory = (instance: FakeInstance, bindingId: string) => Record<string, unknown>;

function defaultCredentials(instance: FakeInstance, bindingId: string): Record<string, unknown> {
  const username = `u_${bindingId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12)}`;
  const password = randomBytes(12).toString('hex');
  const database = `db_${instance.id.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12)}`;
  return {
    host: '127.0.0.1',
    port: 5432,
    username,
    password,
    database,
    uri: `postgres://${username}:${password}@127.0.0.1:5432/${database}`,
  };
}

const json = (status: number, body: unknown, headers?: Record<string, string>): ScriptedResponse => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

/**
 * The default behaviour of the fault-injecting broker: a small but honest in-memory
 * OSB v2.17 broker (idempotent provision/bind with 200/201/409, 410 for unknown
 * deletes, asynchronous operations that finish after a number of polls, a9s GET
 * /instances/{id}).
 */
export class FakeOsbBroker {
  readonly instances = new Map<string, FakeInstance>();
  /** Keyed by `<instanceId>/<bindingId>`. */
  readonly bindings = new Map<string, FakeBinding>();
  /** Instances removed by a finished asynchronous deprovision: their last_operation answers 410. */
  private readonly goneInstances = new Set<string>();
  private readonly goneBindings = new Set<string>();
  private operationCounter = 0;

  constructor(
    public catalog: OsbCatalog,
    public readonly behaviour: FakeBrokerBehaviour,
    private readonly auth: BrokerAuth | undefined,
    private readonly credentials: CredentialsFactory = defaultCredentials,
  ) {}

  handle(req: RecordedRequest): ScriptedResponse {
    const denied = this.checkHeaders(req);
    if (denied) return denied;
    const seg = req.path
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
    const m = req.method;
    if (seg[0] === 'v2' && seg[1] === 'catalog' && seg.length === 2 && m === 'GET')
      return json(200, this.catalog);
    if (seg[0] === 'v2' && seg[1] === 'service_instances' && seg[2] !== undefined) {
      const instanceId = seg[2];
      if (seg.length === 3) {
        if (m === 'PUT') return this.provision(instanceId, req);
        if (m === 'PATCH') return this.update(instanceId, req);
        if (m === 'DELETE') return this.deprovision(instanceId, req);
        if (m === 'GET') return this.getInstance(instanceId);
      }
      if (seg.length === 4 && seg[3] === 'last_operation' && m === 'GET')
        return this.instanceLastOperation(instanceId);
      if (seg.length >= 5 && seg[3] === 'service_bindings' && seg[4] !== undefined) {
        const bindingId = seg[4];
        if (seg.length === 5) {
          if (m === 'PUT') return this.bind(instanceId, bindingId, req);
          if (m === 'DELETE') return this.unbind(instanceId, bindingId, req);
          if (m === 'GET') return this.getBinding(instanceId, bindingId);
        }
        if (seg.length === 6 && seg[5] === 'last_operation' && m === 'GET') {
          return this.bindingLastOperation(instanceId, bindingId);
        }
      }
    }
    if (seg[0] === 'instances') {
      // A plain OSB broker has no /instances at all.
      if (!this.behaviour.a9sExtensions) return { status: 404, rawBody: '404 page not found' };
      if (seg.length === 1 && (m === 'GET' || m === 'HEAD')) return json(200, { resources: [] });
      if (seg.length === 2 && seg[1] !== undefined && m === 'GET') {
        if (!this.behaviour.a9sExtensions) return { status: 404, rawBody: '404 page not found' };
        return this.getA9sInstance(seg[1]);
      }
    }
    if (req.path === '/osb_ext/v1/healthy') return json(200, {});
    return json(404, { description: `the fake broker has no route ${m} ${req.path}` });
  }

  private checkHeaders(req: RecordedRequest): ScriptedResponse | undefined {
    if (this.auth && req.headers.authorization !== authorizationHeader(this.auth)) {
      return json(401, {});
    }
    if (this.behaviour.requireVersionHeader) {
      const v = req.headers['x-broker-api-version'];
      if (typeof v !== 'string' || !/^2\.\d+$/.test(v.trim())) {
        return json(412, {
          error: 'PreconditionFailed',
          description:
            v === undefined
              ? 'the X-Broker-API-Version header is missing; this broker supports version 2.x'
              : `X-Broker-API-Version ${String(v)} is not supported; this broker supports version 2.x`,
        });
      }
    }
    return undefined;
  }

  private newOperation(kind: FakeOperation['kind']): FakeOperation {
    return { id: `op-${kind}-${++this.operationCounter}`, kind, polls: 0 };
  }

  private goesAsync(req: RecordedRequest): 'async' | 'sync' | 'refuse' {
    if (!this.behaviour.async) return 'sync';
    return req.query.accepts_incomplete === 'true' ? 'async' : 'refuse';
  }

  private asyncRequired(): ScriptedResponse {
    return json(422, {
      error: 'AsyncRequired',
      description: 'This service plan requires client support for asynchronous service operations.',
    });
  }

  private findPlan(serviceId: unknown, planId: unknown): string | undefined {
    if (typeof serviceId !== 'string' || typeof planId !== 'string')
      return 'service_id and plan_id are required';
    const service = this.catalog.services.find((s) => s.id === serviceId);
    if (!service) return `service_id "${serviceId}" is not in the catalog`;
    if (!service.plans.some((p) => p.id === planId))
      return `plan_id "${planId}" does not belong to service "${service.name}"`;
    return undefined;
  }

  private provision(instanceId: string, req: RecordedRequest): ScriptedResponse {
    const body = isObject(req.body) ? req.body : undefined;
    if (!body)
      return json(400, { error: 'BadRequest', description: 'the request body must be a JSON object' });
    const problem = this.findPlan(body.service_id, body.plan_id);
    if (problem) return json(400, { error: 'BadRequest', description: problem });
    const parameters = isObject(body.parameters) ? body.parameters : {};
    const existing = this.instances.get(instanceId);
    if (existing) {
      const identical =
        existing.serviceId === body.service_id &&
        existing.planId === body.plan_id &&
        sameJson(existing.parameters, parameters);
      if (!identical) {
        return json(409, { description: `instance ${instanceId} already exists with different attributes` });
      }
      if (existing.operation?.kind === 'provision') return json(202, { operation: existing.operation.id });
      return json(200, {});
    }
    const mode = this.goesAsync(req);
    if (mode === 'refuse') return this.asyncRequired();
    const now = new Date();
    const instance: FakeInstance = {
      id: instanceId,
      serviceId: body.service_id as string,
      planId: body.plan_id as string,
      parameters,
      context: isObject(body.context) ? body.context : undefined,
      organizationGuid: typeof body.organization_guid === 'string' ? body.organization_guid : undefined,
      spaceGuid: typeof body.space_guid === 'string' ? body.space_guid : undefined,
      state: mode === 'async' ? 'provisioning' : 'provisioned',
      operation: mode === 'async' ? this.newOperation('provision') : undefined,
      createdAt: now,
      updatedAt: now,
    };
    this.instances.set(instanceId, instance);
    this.goneInstances.delete(instanceId);
    if (instance.operation) return json(202, { operation: instance.operation.id });
    return json(201, {});
  }

  private update(instanceId: string, req: RecordedRequest): ScriptedResponse {
    const instance = this.instances.get(instanceId);
    if (!instance) return json(404, { description: `instance ${instanceId} does not exist` });
    const body = isObject(req.body) ? req.body : undefined;
    if (!body || typeof body.service_id !== 'string') {
      return json(400, { error: 'BadRequest', description: 'service_id is required' });
    }
    if (instance.operation) {
      return json(422, { error: 'ConcurrencyError', description: 'another operation is in progress' });
    }
    const planId = typeof body.plan_id === 'string' ? body.plan_id : instance.planId;
    const problem = this.findPlan(body.service_id, planId);
    if (problem) return json(400, { error: 'BadRequest', description: problem });
    const mode = this.goesAsync(req);
    if (mode === 'refuse') return this.asyncRequired();
    instance.planId = planId;
    if (isObject(body.parameters)) {
      // OSB updates carry changed parameters; null removes one.
      for (const [k, v] of Object.entries(body.parameters)) {
        if (v === null) delete instance.parameters[k];
        else instance.parameters[k] = v;
      }
    }
    if (isObject(body.context)) instance.context = body.context;
    instance.updatedAt = new Date();
    if (mode === 'async') {
      instance.state = 'updating';
      instance.operation = this.newOperation('update');
      return json(202, { operation: instance.operation.id });
    }
    return json(200, {});
  }

  private deprovision(instanceId: string, req: RecordedRequest): ScriptedResponse {
    if (!req.query.service_id || !req.query.plan_id) {
      return json(400, {
        error: 'BadRequest',
        description: 'service_id and plan_id query parameters are required',
      });
    }
    const instance = this.instances.get(instanceId);
    if (!instance) return json(410, {});
    if (instance.operation && instance.operation.kind !== 'deprovision') {
      return json(422, { error: 'ConcurrencyError', description: 'another operation is in progress' });
    }
    const mode = this.goesAsync(req);
    if (mode === 'refuse') return this.asyncRequired();
    if (mode === 'async') {
      instance.state = 'deprovisioning';
      instance.operation ??= this.newOperation('deprovision');
      return json(202, { operation: instance.operation.id });
    }
    this.removeInstance(instanceId);
    return json(200, {});
  }

  private removeInstance(instanceId: string): void {
    this.instances.delete(instanceId);
    this.goneInstances.add(instanceId);
    for (const key of [...this.bindings.keys()])
      if (key.startsWith(`${instanceId}/`)) this.bindings.delete(key);
  }

  private getInstance(instanceId: string): ScriptedResponse {
    const instance = this.instances.get(instanceId);
    if (!instance) return json(404, { description: `instance ${instanceId} does not exist` });
    if (instance.state === 'provisioning') {
      return json(422, { error: 'ConcurrencyError', description: 'the instance is being provisioned' });
    }
    return json(200, {
      service_id: instance.serviceId,
      plan_id: instance.planId,
      parameters: instance.parameters,
    });
  }

  private getA9sInstance(instanceId: string): ScriptedResponse {
    const instance = this.instances.get(instanceId);
    if (!instance)
      return json(404, { error: 'InstanceNotFound', description: `instance ${instanceId} was not found` });
    const state = {
      provisioning: 'deploying',
      provisioned: 'provisioned',
      updating: 'deploying',
      deprovisioning: 'deleting',
      failed: 'failed',
    }[instance.state];
    return json(200, {
      id: instance.id,
      plan_guid: instance.planId,
      service_guid: instance.serviceId,
      guid_at_tenant: instance.id,
      state,
      deployment_name: `fake-${instance.id.slice(0, 8)}`,
      context: {
        organization_guid: instance.organizationGuid,
        space_guid: instance.spaceGuid,
        parameters: instance.parameters,
      },
      created_at: instance.createdAt.toISOString(),
      updated_at: instance.updatedAt.toISOString(),
      provisioned_at: instance.createdAt.toISOString(),
      credentials: [...this.bindings.values()]
        .filter((b) => b.instanceId === instance.id)
        .map((b) => ({ id: b.bindingId, instance_id: instance.id, guid_at_tenant: b.bindingId })),
    });
  }

  /** Advances an operation by one poll; returns the state to report. */
  private advance(op: FakeOperation): 'in progress' | 'succeeded' | 'failed' {
    op.polls++;
    const limit = this.behaviour.pollsUntilDone;
    if (limit === 'never' || op.polls <= limit) return 'in progress';
    return this.behaviour.finalState;
  }

  private inProgress(op: FakeOperation): ScriptedResponse {
    const headers =
      this.behaviour.retryAfterSeconds !== undefined
        ? { 'retry-after': String(this.behaviour.retryAfterSeconds) }
        : undefined;
    return json(200, { state: 'in progress', description: `${op.kind} in progress` }, headers);
  }

  private instanceLastOperation(instanceId: string): ScriptedResponse {
    const instance = this.instances.get(instanceId);
    if (!instance) {
      if (this.goneInstances.has(instanceId)) return json(410, {});
      return json(404, { description: `instance ${instanceId} does not exist` });
    }
    const op = instance.operation;
    if (!op) return json(200, { state: instance.state === 'failed' ? 'failed' : 'succeeded' });
    const state = this.advance(op);
    if (state === 'in progress') return this.inProgress(op);
    instance.operation = undefined;
    if (state === 'failed') {
      instance.state = op.kind === 'provision' ? 'failed' : 'provisioned';
      return json(200, {
        state: 'failed',
        description: `${op.kind} failed (fake broker)`,
        instance_usable: op.kind !== 'provision',
      });
    }
    if (op.kind === 'deprovision') {
      this.removeInstance(instanceId);
      return json(410, {});
    }
    instance.state = 'provisioned';
    return json(200, { state: 'succeeded', description: `${op.kind} succeeded` });
  }

  private bindingKey(instanceId: string, bindingId: string): string {
    return `${instanceId}/${bindingId}`;
  }

  private bindingBody(binding: FakeBinding): Record<string, unknown> {
    const metadata =
      binding.expiresAt || binding.renewBefore
        ? {
            metadata: {
              ...(binding.expiresAt ? { expires_at: binding.expiresAt.toISOString() } : {}),
              ...(binding.renewBefore ? { renew_before: binding.renewBefore.toISOString() } : {}),
            },
          }
        : {};
    return { credentials: binding.credentials, ...metadata };
  }

  private bind(instanceId: string, bindingId: string, req: RecordedRequest): ScriptedResponse {
    const instance = this.instances.get(instanceId);
    if (!instance) return json(404, { description: `instance ${instanceId} does not exist` });
    const body = isObject(req.body) ? req.body : undefined;
    if (!body)
      return json(400, { error: 'BadRequest', description: 'the request body must be a JSON object' });
    const problem = this.findPlan(body.service_id, body.plan_id);
    if (problem) return json(400, { error: 'BadRequest', description: problem });
    const parameters = isObject(body.parameters) ? body.parameters : {};
    const key = this.bindingKey(instanceId, bindingId);
    const existing = this.bindings.get(key);
    if (existing) {
      if (!sameJson(existing.parameters, parameters) || existing.planId !== body.plan_id) {
        return json(409, { description: `binding ${bindingId} already exists with different attributes` });
      }
      if (existing.operation?.kind === 'bind') return json(202, { operation: existing.operation.id });
      return json(200, this.bindingBody(existing));
    }
    const predecessor =
      typeof body.predecessor_binding_id === 'string' ? body.predecessor_binding_id : undefined;
    if (predecessor !== undefined && !this.bindings.has(this.bindingKey(instanceId, predecessor))) {
      return json(400, {
        error: 'BadRequest',
        description: `predecessor binding ${predecessor} does not exist`,
      });
    }
    const mode = this.goesAsync(req);
    if (mode === 'refuse') return this.asyncRequired();
    const ttl = this.behaviour.bindingTtlSeconds;
    const now = Date.now();
    const binding: FakeBinding = {
      instanceId,
      bindingId,
      serviceId: body.service_id as string,
      planId: body.plan_id as string,
      parameters,
      credentials: this.credentials(instance, bindingId),
      predecessorBindingId: predecessor,
      state: mode === 'async' ? 'binding' : 'bound',
      operation: mode === 'async' ? this.newOperation('bind') : undefined,
      expiresAt: ttl !== undefined ? new Date(now + ttl * 1000) : undefined,
      renewBefore: ttl !== undefined ? new Date(now + ttl * 800) : undefined,
    };
    this.bindings.set(key, binding);
    this.goneBindings.delete(key);
    if (binding.operation) return json(202, { operation: binding.operation.id });
    return json(201, this.bindingBody(binding));
  }

  private unbind(instanceId: string, bindingId: string, req: RecordedRequest): ScriptedResponse {
    if (!req.query.service_id || !req.query.plan_id) {
      return json(400, {
        error: 'BadRequest',
        description: 'service_id and plan_id query parameters are required',
      });
    }
    const key = this.bindingKey(instanceId, bindingId);
    const binding = this.bindings.get(key);
    if (!binding) return json(410, {});
    const mode = this.goesAsync(req);
    if (mode === 'refuse') return this.asyncRequired();
    if (mode === 'async') {
      binding.state = 'unbinding';
      binding.operation ??= this.newOperation('unbind');
      return json(202, { operation: binding.operation.id });
    }
    this.bindings.delete(key);
    this.goneBindings.add(key);
    return json(200, {});
  }

  private getBinding(instanceId: string, bindingId: string): ScriptedResponse {
    const binding = this.bindings.get(this.bindingKey(instanceId, bindingId));
    if (!binding || binding.state === 'binding')
      return json(404, { description: `binding ${bindingId} does not exist` });
    return json(200, { ...this.bindingBody(binding), parameters: binding.parameters });
  }

  private bindingLastOperation(instanceId: string, bindingId: string): ScriptedResponse {
    const key = this.bindingKey(instanceId, bindingId);
    const binding = this.bindings.get(key);
    if (!binding) {
      if (this.goneBindings.has(key)) return json(410, {});
      return json(404, { description: `binding ${bindingId} does not exist` });
    }
    const op = binding.operation;
    if (!op) return json(200, { state: binding.state === 'failed' ? 'failed' : 'succeeded' });
    const state = this.advance(op);
    if (state === 'in progress') return this.inProgress(op);
    binding.operation = undefined;
    if (state === 'failed') {
      binding.state = op.kind === 'bind' ? 'failed' : 'bound';
      return json(200, { state: 'failed', description: `${op.kind} failed (fake broker)` });
    }
    if (op.kind === 'unbind') {
      this.bindings.delete(key);
      this.goneBindings.add(key);
      return json(410, {});
    }
    binding.state = 'bound';
    return json(200, { state: 'succeeded' });
  }
}
