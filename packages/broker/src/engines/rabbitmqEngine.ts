import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { defaultConnectionLimit } from '../catalog/planShape.js';
import type {
  BindingAccount,
  BindingCredentials,
  DataServiceEngine,
  EngineInstance,
} from './dataServiceEngine.js';
import { backupFromDefinitions, definitionsToImport, parseRabbitmqBackup } from './rabbitmqDefinitions.js';
import { RabbitmqManagementApi, apiPath as path } from './rabbitmqManagementApi.js';

export interface RabbitmqEngineOptions {
  /** The management API as an administrator: http://user:password@host:port. */
  managementUrl: string;
  /** Host name written into credentials. */
  publicHost: string;
  /** The AMQP port written into credentials (default: the node's AMQP listener). */
  amqpPort?: number;
  /** Timeout of one management API call (default 30 s). */
  requestTimeoutMs?: number;
}

/** Every permission inside the one virtual host. */
const fullPermissions = { configure: '.*', write: '.*', read: '.*' };

interface Overview {
  rabbitmq_version?: string;
  listeners?: Array<{ protocol?: string; port?: number }>;
}

/**
 * Messaging instances on RabbitMQ, through the management HTTP API: an instance is a virtual host,
 * a binding a user without tags (so no management API access) with permissions on that virtual
 * host only.
 */
export class RabbitmqEngine implements DataServiceEngine {
  readonly kind = 'messaging' as const;

  private constructor(
    private readonly api: RabbitmqManagementApi,
    private readonly adminUser: string,
    private readonly publicHost: string,
    private readonly amqpPort: number,
    readonly serverVersion: string,
  ) {}

  /**
   * Connects and checks that the server enforces authentication: the admin must be an administrator,
   * and `guest` (an administrator whose password everyone knows) must not exist.
   */
  static async connect(options: RabbitmqEngineOptions): Promise<RabbitmqEngine> {
    const api = new RabbitmqManagementApi(options.managementUrl, options.requestTimeoutMs ?? 30_000);
    const whoami = await api.get<{ name: string; tags: string[] | string }>('/api/whoami');
    const tags = Array.isArray(whoami.tags) ? whoami.tags : whoami.tags.split(',');
    if (!tags.includes('administrator')) {
      throw new Error(
        `the RabbitMQ user ${whoami.name} is not an administrator: it creates virtual hosts and users`,
      );
    }
    if (await api.find(`/api/users${path('guest')}`)) {
      throw new Error(
        `RabbitMQ at ${api.address} has the user "guest", an administrator with a well-known password, ` +
          'so any tenant could manage every other tenant; delete it (rabbitmqctl delete_user guest)',
      );
    }
    const overview = await api.get<Overview>('/api/overview');
    const amqpPort = options.amqpPort ?? overview.listeners?.find((l) => l.protocol === 'amqp')?.port ?? 5672;
    return new RabbitmqEngine(
      api,
      whoami.name,
      options.publicHost,
      amqpPort,
      overview.rabbitmq_version ?? 'unknown',
    );
  }

  async close(): Promise<void> {
    // The management API is stateless HTTP: nothing to close.
  }

  async ensureInstance(instance: EngineInstance): Promise<void> {
    const vhost = instance.names.database;
    await this.api.put(`/api/vhosts${path(vhost)}`, {
      description: `klutch instance ${instance.instanceId}`,
    });
    // The broker's administrator manages the virtual host's definitions (backup and restore).
    await this.api.put(`/api/permissions${path(vhost, this.adminUser)}`, fullPermissions);
    await this.api.put(`/api/vhost-limits${path(vhost, 'max-connections')}`, {
      value: defaultConnectionLimit(instance.planName),
    });
    for (const username of instance.bindingUsernames) {
      if (await this.api.find(`/api/users${path(username)}`)) {
        await this.api.put(`/api/permissions${path(vhost, username)}`, fullPermissions);
      }
    }
  }

  async removeInstance(instance: EngineInstance): Promise<void> {
    // Deleting the virtual host closes its connections and removes its queues and permissions.
    await this.api.delete(`/api/vhosts${path(instance.names.database)}`);
    const users = await this.api.get<Array<{ name: string }>>('/api/users');
    const names = new Set([
      ...users.map((u) => u.name).filter((n) => n.startsWith(instance.names.bindingUserPrefix)),
      ...instance.bindingUsernames,
    ]);
    for (const name of names) await this.removeUser(name);
  }

  async ensureBindingUser(instance: EngineInstance, account: BindingAccount): Promise<void> {
    // No tags: the user cannot use the management API at all, only AMQP.
    await this.api.put(`/api/users${path(account.username)}`, { password: account.password, tags: '' });
    await this.api.put(`/api/permissions${path(instance.names.database, account.username)}`, fullPermissions);
  }

  async removeBindingUser(_instance: EngineInstance, username: string): Promise<void> {
    await this.removeUser(username);
  }

  credentials(instance: EngineInstance, account: BindingAccount): BindingCredentials {
    const host = this.publicHost;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    const vhost = instance.names.database;
    const user = encodeURIComponent(account.username);
    const password = encodeURIComponent(account.password);
    return {
      type: 'rabbitmq',
      host,
      port: this.amqpPort,
      username: account.username,
      password: account.password,
      vhost,
      uri: `amqp://${user}:${password}@${hostPart}:${this.amqpPort}/${encodeURIComponent(vhost)}`,
    };
  }

  /** The virtual host's exchanges, queues, bindings and policies as JSON; never messages. */
  async dump(
    instance: EngineInstance,
    consume: (dump: Readable) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    signal.throwIfAborted();
    const vhost = instance.names.database;
    if (!(await this.api.find(`/api/vhosts${path(vhost)}`))) {
      throw new Error(`the instance's virtual host ${vhost} does not exist`);
    }
    const definitions = await this.api.get<unknown>(`/api/definitions${path(vhost)}`);
    const backup = backupFromDefinitions(definitions, this.serverVersion);
    await consume(Readable.from([Buffer.from(JSON.stringify(backup))]));
  }

  /**
   * Recreates the virtual host and applies the backup's definitions, so the result holds exactly
   * the backup's exchanges, queues, bindings and policies (queues empty) and the bindings' users keep
   * their access.
   */
  async restore(instance: EngineInstance, dumpFile: string, signal: AbortSignal): Promise<void> {
    const backup = parseRabbitmqBackup(await readFile(dumpFile, 'utf8'));
    signal.throwIfAborted();
    await this.api.delete(`/api/vhosts${path(instance.names.database)}`);
    await this.ensureInstance(instance);
    signal.throwIfAborted();
    await this.api.post(`/api/definitions${path(instance.names.database)}`, definitionsToImport(backup));
  }

  private async removeUser(username: string): Promise<void> {
    await this.api.deleteUser(username);
    // Deleting a user does not end its open connections; close them, so access ends with the binding.
    const connections = await this.api.get<Array<{ name: string; user?: string }>>(
      '/api/connections?columns=name,user',
    );
    for (const connection of connections.filter((c) => c.user === username)) {
      await this.api.delete(`/api/connections${path(connection.name)}`);
    }
  }
}
