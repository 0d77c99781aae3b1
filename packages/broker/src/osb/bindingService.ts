import type { BindingAccount, BindingCredentials } from '../engines/dataServiceEngine.js';
import { bindingUsername, generatePassword } from '../engines/resourceNames.js';
import { HttpError, badRequest } from '../http/httpErrors.js';
import type { HttpResponse } from '../http/router.js';
import { loadEngineInstance } from '../operations/engineRegistry.js';
import { deleteBinding, getBinding, insertBinding, markBindingCreated } from '../state/bindingRepository.js';
import { getInstance, lockInstanceId } from '../state/instanceRepository.js';
import { operationInProgress } from '../state/operationRepository.js';
import { withTransaction } from '../state/stateDatabase.js';
import type { BindingRecord, InstanceRecord } from '../state/stateRecords.js';
import type { BrokerContext } from './brokerContext.js';
import { bindingNotFound, concurrencyError, instanceNotFound } from './osbErrors.js';
import { parseBindRequest, requiredQuery } from './osbRequests.js';

const credentialsContext = (bindingId: string) => `binding-credentials:${bindingId}`;

interface StoredCredentials {
  account: BindingAccount;
  credentials: BindingCredentials;
}

/**
 * OSB service bindings. A binding is synchronous: its database user exists when the bind answers.
 * The credentials are stored sealed so that a repeated bind and a fetch return the same ones.
 */
export class BindingService {
  constructor(private readonly context: BrokerContext) {}

  async bind(instanceId: string, bindingId: string, body: unknown): Promise<HttpResponse> {
    const request = parseBindRequest(body);
    const { pool, secretBox, catalog, engines } = this.context;
    const prepared = await withTransaction(pool, async (client) => {
      await lockInstanceId(client, instanceId);
      const instance = await getInstance(client, instanceId);
      if (!instance || instance.state === 'deleted') throw instanceNotFound(404, instanceId);
      const existing = await getBinding(client, bindingId);
      if (existing) {
        if (existing.instanceId !== instanceId || existing.serviceId !== request.serviceId) {
          throw new HttpError(409, {
            error: 'Conflict',
            description: `Service binding ${bindingId} already exists for another instance or service; use a new binding id.`,
          });
        }
        if (existing.status === 'created') return { instance, binding: existing, created: false };
        return { instance, binding: existing, created: true };
      }
      if (request.serviceId !== instance.serviceId) {
        throw badRequest(
          `service_id ${request.serviceId} is not the service of instance ${instanceId} (${instance.serviceName}).`,
        );
      }
      if (!catalog.findPlan(instance.serviceId, request.planId)) {
        throw badRequest(`plan_id ${request.planId} is not a plan of service ${instance.serviceName}.`);
      }
      if (Object.keys(request.parameters).length > 0) {
        throw badRequest(
          `Service bindings of the sandbox broker take no parameters; remove ${Object.keys(request.parameters).join(', ')}.`,
        );
      }
      if (request.predecessorBindingId !== null) {
        const predecessor = await getBinding(client, request.predecessorBindingId);
        if (predecessor?.instanceId !== instanceId) {
          throw badRequest(
            `predecessor_binding_id ${request.predecessorBindingId} is not a binding of service instance ${instanceId}.`,
          );
        }
      }
      const refused = catalog.refusedValuesOf(instance.engine, instance.parameters);
      if (refused.length > 0) {
        throw badRequest(
          `Service instance ${instanceId} has parameters this broker does not grant: ${refused.join(' ')} ` +
            'Update the instance without them, then bind again.',
        );
      }
      if (instance.provisionedAt === null) {
        throw new HttpError(422, {
          error: 'InstanceNotUsable',
          description: `Service instance ${instanceId} is not provisioned (state ${instance.state}); bind once provisioning has succeeded.`,
        });
      }
      if (await operationInProgress(client, instanceId)) throw concurrencyError();
      const account = { username: bindingUsername(instanceId, bindingId), password: generatePassword() };
      const engineInstance = await loadEngineInstance(client, instance);
      const stored: StoredCredentials = {
        account,
        credentials: engines.get(instance.engine).credentials(engineInstance, account),
      };
      await insertBinding(client, {
        id: bindingId,
        instanceId,
        serviceId: request.serviceId,
        planId: request.planId,
        username: account.username,
        sealedCredentials: secretBox.sealJson(stored, credentialsContext(bindingId)),
        predecessorBindingId: request.predecessorBindingId,
        parameters: request.parameters,
        context: request.context,
        bindResource: request.bindResource,
      });
      const binding = (await getBinding(client, bindingId)) as BindingRecord;
      return { instance, binding, created: true };
    });
    const stored = this.open(prepared.binding);
    if (prepared.created) await this.createUser(prepared.instance, prepared.binding, stored.account);
    return { status: prepared.created ? 201 : 200, body: { credentials: stored.credentials } };
  }

  async fetch(instanceId: string, bindingId: string): Promise<HttpResponse> {
    const instance = await getInstance(this.context.pool, instanceId);
    if (!instance || instance.state === 'deleted') throw instanceNotFound(404, instanceId);
    const binding = await getBinding(this.context.pool, bindingId);
    if (binding?.instanceId !== instanceId || binding.status !== 'created') {
      throw bindingNotFound(404, instanceId, bindingId);
    }
    return {
      status: 200,
      body: { credentials: this.open(binding).credentials, parameters: binding.parameters },
    };
  }

  /** Bindings answer synchronously, so their last operation is always finished. */
  async lastOperation(instanceId: string, bindingId: string): Promise<HttpResponse> {
    const binding = await getBinding(this.context.pool, bindingId);
    if (binding?.instanceId !== instanceId) throw bindingNotFound(410, instanceId, bindingId);
    return {
      status: 200,
      body: {
        state: binding.status === 'created' ? 'succeeded' : 'in progress',
        description: `Service binding ${bindingId} ${binding.status === 'created' ? 'exists' : 'is being created'}.`,
      },
    };
  }

  async unbind(instanceId: string, bindingId: string, query: URLSearchParams): Promise<HttpResponse> {
    requiredQuery(query, 'service_id', 'unbind');
    requiredQuery(query, 'plan_id', 'unbind');
    const { pool, engines } = this.context;
    const found = await withTransaction(pool, async (client) => {
      await lockInstanceId(client, instanceId);
      const instance = await getInstance(client, instanceId);
      const binding = await getBinding(client, bindingId);
      if (!instance || instance.state === 'deleted' || binding?.instanceId !== instanceId) {
        throw bindingNotFound(410, instanceId, bindingId);
      }
      if (instance.state === 'deprovisioning') throw concurrencyError();
      return { instance, binding, engineInstance: await loadEngineInstance(client, instance) };
    });
    await engines.get(found.instance.engine).removeBindingUser(found.engineInstance, found.binding.username);
    await deleteBinding(pool, bindingId);
    return { status: 200, body: {} };
  }

  private open(binding: BindingRecord): StoredCredentials {
    return this.context.secretBox.openJson(
      binding.sealedCredentials,
      credentialsContext(binding.id),
    ) as StoredCredentials;
  }

  private async createUser(
    instance: InstanceRecord,
    binding: BindingRecord,
    account: BindingAccount,
  ): Promise<void> {
    const { pool, engines, logger } = this.context;
    const engine = engines.get(instance.engine);
    const engineInstance = await loadEngineInstance(pool, instance);
    try {
      await engine.ensureBindingUser(engineInstance, account);
      await markBindingCreated(pool, binding.id);
    } catch (err) {
      logger.warn({ instance: instance.id, binding: binding.id, err: (err as Error).message }, 'bind failed');
      await engine.removeBindingUser(engineInstance, account.username).catch(() => undefined);
      await deleteBinding(pool, binding.id);
      throw new HttpError(500, {
        error: 'BindFailed',
        description: `The database user of binding ${binding.id} could not be created: ${(err as Error).message}.`,
      });
    }
  }
}
