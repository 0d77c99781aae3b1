import { planShape } from '../catalog/planShape.js';

/** The parts of a virtual host's definitions that a backup holds (no messages, users or permissions). */
export const backedUpDefinitionKinds = ['exchanges', 'queues', 'bindings', 'policies'] as const;
type DefinitionKind = (typeof backedUpDefinitionKinds)[number];

export const rabbitmqBackupFormat = 'klutch-rabbitmq-definitions/1';

export interface RabbitmqBackup {
  format: typeof rabbitmqBackupFormat;
  rabbitmqVersion: string;
  exchanges: Array<Record<string, unknown>>;
  queues: Array<Record<string, unknown>>;
  bindings: Array<Record<string, unknown>>;
  policies: Array<Record<string, unknown>>;
}

/**
 * The backup of a virtual host from its exported definitions (GET /api/definitions/<vhost>). The
 * `vhost` fields are dropped: a restore applies the definitions to the instance's virtual host.
 */
export function backupFromDefinitions(definitions: unknown, rabbitmqVersion: string): RabbitmqBackup {
  const source = (definitions ?? {}) as Partial<Record<DefinitionKind, unknown>>;
  const pick = (kind: DefinitionKind) => {
    const items = source[kind] ?? [];
    if (!Array.isArray(items)) throw new Error(`RabbitMQ exported ${kind} that are not a list`);
    return items.map((item: Record<string, unknown>) => {
      const { vhost: _vhost, ...rest } = item;
      return rest;
    });
  };
  return {
    format: rabbitmqBackupFormat,
    rabbitmqVersion,
    exchanges: pick('exchanges'),
    queues: pick('queues'),
    bindings: pick('bindings'),
    policies: pick('policies'),
  };
}

/** Parses a backup file; refuses anything else with a message that says what is wrong. */
export function parseRabbitmqBackup(text: string): RabbitmqBackup {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('the backup is not a RabbitMQ definitions backup of this broker (not JSON)');
  }
  const backup = parsed as Partial<RabbitmqBackup> | null;
  if (backup?.format !== rabbitmqBackupFormat) {
    throw new Error(
      `the backup is not a RabbitMQ definitions backup of this broker (format ${String(backup?.format)}, ` +
        `expected ${rabbitmqBackupFormat})`,
    );
  }
  for (const kind of backedUpDefinitionKinds) {
    const items = backup[kind];
    if (!Array.isArray(items) || items.some((i) => typeof i !== 'object' || i === null || Array.isArray(i))) {
      throw new Error(`the backup's ${kind} are not a list of objects`);
    }
  }
  return backup as RabbitmqBackup;
}

/** The body of POST /api/definitions/<vhost>: only what a backup may hold, never users or permissions. */
export function definitionsToImport(backup: RabbitmqBackup): Record<DefinitionKind, unknown[]> {
  return {
    exchanges: backup.exchanges,
    queues: backup.queues,
    bindings: backup.bindings,
    policies: backup.policies,
  };
}

/** `3.10.8` → `3.10`. */
export function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/**
 * Why the sandbox's single shared RabbitMQ node cannot honour a service version or plan, or
 * undefined when it can. `serviceVersion` is the a9s version (`3.10`, `4`).
 */
export function messagingRefusal(
  serviceName: string,
  serviceVersion: string,
  planName: string,
  serverVersion: string,
): string | undefined {
  const server = majorMinor(serverVersion);
  if (serviceVersion !== server && serviceVersion !== server.split('.')[0]) {
    return (
      `service ${serviceName} asks for RabbitMQ ${serviceVersion}, but the sandbox's RabbitMQ node runs ` +
      `${serverVersion}; use the service whose version is ${server}`
    );
  }
  const shape = planShape(planName);
  if (shape.clustered) {
    return (
      `plan ${planName} needs a RabbitMQ cluster, but the sandbox runs a single RabbitMQ node; ` +
      'use a messaging-single-* plan'
    );
  }
  if (shape.tls) {
    return (
      `plan ${planName} needs TLS, but the sandbox's RabbitMQ node listens without TLS on the loopback ` +
      'address; use a plan without -ssl'
    );
  }
  return undefined;
}
