import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@klutch/kube';
import type { Logger } from '@klutch/kube';
import { Pool } from 'pg';
import {
  defaultJobTimeoutMs,
  defaultMaxPendingOperations,
  defaultMaxQueuedJobs,
  defaultOperationConcurrency,
  defaultPostgresAdminUrl,
  defaultProvisionDelayMs,
  defaultStateDatabaseName,
} from './brokerDefaults.js';
import { validateBrokerOptions } from './brokerOptions.js';
import type { BrokerOptions } from './brokerOptions.js';
import { backupManagerRoutes } from './backupManager/backupManagerRoutes.js';
import { BackupService } from './backupManager/backupService.js';
import { BrokerCatalog } from './catalog/brokerCatalog.js';
import type { AvailableEngine, CatalogDocument } from './catalog/brokerCatalog.js';
import {
  keyvalueOffering,
  mariadbOffering,
  messagingOffering,
  postgresOffering,
  prometheusOffering,
} from './catalog/engineOfferings.js';
import type { EngineKind } from './catalog/engineOfferings.js';
import type { DataServiceEngine } from './engines/dataServiceEngine.js';
import { postgresTimeoutSettings, resolveDatabaseTimeouts } from './engines/databaseTimeouts.js';
import type { DatabaseTimeouts } from './engines/databaseTimeouts.js';
import { MariadbEngine } from './engines/mariadbEngine.js';
import { PostgresEngine } from './engines/postgresEngine.js';
import { PrometheusEngine } from './engines/prometheusEngine.js';
import { RabbitmqEngine } from './engines/rabbitmqEngine.js';
import { RedisEngine } from './engines/redisEngine.js';
import { startListener } from './http/httpListener.js';
import type { RunningListener } from './http/httpListener.js';
import { EngineRegistry } from './operations/engineRegistry.js';
import { OperationRunner } from './operations/operationRunner.js';
import { BindingService } from './osb/bindingService.js';
import type { BrokerContext } from './osb/brokerContext.js';
import { InstanceService } from './osb/instanceService.js';
import { osbRoutes } from './osb/osbRoutes.js';
import { BrokerLock } from './state/brokerLock.js';
import { SecretBox } from './state/secretBox.js';
import {
  checkStateKeyFingerprint,
  ensureStateDatabase,
  migrateStateDatabase,
  redactUrl,
  withDatabase,
} from './state/stateDatabase.js';
import { loadStateKey } from './state/stateKey.js';
import { startManagedServers } from './servers/managedServers.js';
import type { ManagedServers } from './servers/managedServers.js';

export interface RunningBroker {
  osbUrl: string;
  backupManagerUrl: string;
  catalog: CatalogDocument;
  /** Data services this broker can run but does not offer now, with the reason (e.g. a server is missing). */
  unavailableServices: Record<string, string>;
  /** The broker's own database servers, when it runs them (`managedServersDir`). */
  managedServers?: ManagedServers;
  /** `METHOD /path/:param` of every route, per listener. */
  endpoints: { osb: string[]; backupManager: string[] };
  /** Stops listening, lets running steps finish and leaves unfinished work for the next start. */
  stop(): Promise<void>;
}

/** Starts the OSB broker and the backup manager on their own listeners. */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  validateBrokerOptions(options);
  const logger = options.logger ?? createLogger({ name: 'klutch-broker' });
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    await mkdir(options.backupDir, { recursive: true, mode: 0o700 });
    const secretBox = new SecretBox(
      await loadStateKey({
        key: options.stateEncryptionKey,
        keyFile: options.stateEncryptionKeyFile ?? join(options.backupDir, '.state-encryption.key'),
      }),
    );

    const timeouts = resolveDatabaseTimeouts(options.databaseTimeouts);
    let managedServers: ManagedServers | undefined;
    if (options.managedServersDir) {
      managedServers = await startManagedServers({
        dir: options.managedServersDir,
        postgresBinDir: options.postgresBinDir,
        mariadb: options.managedMariadb ?? true,
        rabbitmq: options.managedRabbitmq ?? true,
        redis: options.managedRedis ?? true,
        logger: logger.child({ component: 'managed-servers' }),
      });
      const servers = managedServers;
      cleanups.push(() => servers.stop());
    }
    const servers: ServerConnections = managedServers
      ? {
          postgresAdminUrl: managedServers.postgres.adminUrl,
          mariadbAdminUrl: managedServers.mariadb?.adminUrl,
          mariadbUnavailable: managedServers.mariadbUnavailable,
          managedServersDir: options.managedServersDir,
          rabbitmqManagementUrl: managedServers.rabbitmq?.managementUrl,
          rabbitmqUnavailable: managedServers.rabbitmqUnavailable,
          redisAdminUrl: managedServers.redis?.adminUrl,
          redisUnavailable: managedServers.redisUnavailable,
        }
      : {
          postgresAdminUrl: options.postgresAdminUrl ?? defaultPostgresAdminUrl,
          mariadbAdminUrl: options.mariadbAdminUrl,
          mariadbUnavailable: options.mariadbAdminUrl ? undefined : 'no --mariadb-admin-url given',
          rabbitmqManagementUrl: options.rabbitmqManagementUrl,
          rabbitmqUnavailable: 'no --rabbitmq-management-url given',
          redisAdminUrl: options.redisAdminUrl,
          redisUnavailable: options.redisAdminUrl ? undefined : 'no --redis-admin-url given',
        };
    const stateDatabaseUrl =
      options.stateDatabaseUrl ?? withDatabase(servers.postgresAdminUrl, defaultStateDatabaseName);

    await ensureStateDatabase(stateDatabaseUrl, logger, postgresTimeoutSettings(timeouts));
    const pool = new Pool({
      connectionString: stateDatabaseUrl,
      max: 8,
      application_name: 'klutch-broker',
      // The state's locks are the broker's own queue (requests for one instance take turns), so
      // waiting for them is bounded by the statement timeout, not by the short lock timeout.
      ...postgresTimeoutSettings({ ...timeouts, lockMs: timeouts.statementMs }),
    });
    pool.on('error', (err) => logger.warn({ err: err.message }, 'idle state database connection failed'));
    cleanups.push(() => pool.end());
    const lock = await BrokerLock.acquire(pool, stateDatabaseUrl, logger);
    cleanups.push(() => lock.release());
    await migrateStateDatabase(pool, logger);
    await checkStateKeyFingerprint(pool, secretBox.fingerprint());

    const { registry, available } = await connectEngines(
      servers,
      options.publicHost ?? '127.0.0.1',
      timeouts,
      logger,
    );
    cleanups.push(async () => {
      for (const engine of registry.all()) await engine.close();
    });
    const catalog = new BrokerCatalog(available);

    const backups = new BackupService({
      pool,
      secretBox,
      engines: registry,
      backupDir: options.backupDir,
      concurrency: options.jobConcurrency ?? 2,
      maxQueuedJobs: options.maxQueuedJobs ?? defaultMaxQueuedJobs,
      jobTimeoutMs: options.jobTimeoutMs ?? defaultJobTimeoutMs,
      timeouts,
      logger: logger.child({ component: 'backup-manager' }),
    });
    const provisionDelayMs = options.provisionDelayMs ?? defaultProvisionDelayMs;
    const runner = new OperationRunner({
      pool,
      engines: registry,
      backups,
      delayMs: provisionDelayMs,
      concurrency: options.operationConcurrency ?? defaultOperationConcurrency,
      timeouts,
      logger: logger.child({ component: 'operations' }),
    });
    cleanups.push(async () => {
      await Promise.all([runner.stop(), backups.stop()]);
    });

    const lockProblem = () => lock.problem();
    const healthProblems = () => {
      const lockLost = lockProblem();
      return [...(managedServers?.problems() ?? []), ...(lockLost ? [lockLost] : [])];
    };
    let osbUrl = '';
    const context: BrokerContext = {
      pool,
      catalog,
      secretBox,
      engines: registry,
      runner,
      backups,
      provisionDelayMs,
      maxPendingOperations: options.maxPendingOperations ?? defaultMaxPendingOperations,
      osbUrl: () => osbUrl,
      logger,
      healthProblems,
    };
    const credentials = { username: options.username, password: options.password };
    const osbRouteTable = osbRoutes(context, new InstanceService(context), new BindingService(context));
    const backupManagerRouteTable = backupManagerRoutes(pool, backups, healthProblems);
    const osb: RunningListener = await startListener({
      name: 'OSB',
      address: options.listen ?? '127.0.0.1:0',
      tls: options.tls,
      routes: osbRouteTable,
      credentials,
      refuseWrites: lockProblem,
      logger,
    });
    cleanups.push(() => osb.close());
    osbUrl = osb.url;
    const backupManager = await startListener({
      name: 'backup-manager',
      address: options.backupManagerListen ?? '127.0.0.1:0',
      tls: options.tls,
      routes: backupManagerRouteTable,
      credentials,
      refuseWrites: lockProblem,
      logger,
    });
    cleanups.push(() => backupManager.close());

    await runner.resume();
    await backups.resume();
    logger.info(
      {
        osbUrl: osb.url,
        backupManagerUrl: backupManager.url,
        stateDatabase: redactUrl(stateDatabaseUrl),
        managedServersDir: options.managedServersDir,
        services: catalog.serviceNames(),
      },
      'broker started',
    );

    let stopping: Promise<void> | undefined;
    return {
      osbUrl: osb.url,
      backupManagerUrl: backupManager.url,
      catalog: catalog.document,
      unavailableServices: registry.unavailableReasons(),
      managedServers,
      endpoints: {
        osb: osbRouteTable.map((r) => `${r.method} ${r.pattern}`),
        backupManager: backupManagerRouteTable.map((r) => `${r.method} ${r.pattern}`),
      },
      stop: () => {
        stopping ??= cleanUp().then(() => logger.info('broker stopped'));
        return stopping;
      },
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}

interface ServerConnections {
  postgresAdminUrl: string;
  mariadbAdminUrl?: string;
  /** Why MariaDB is not offered, when there is no admin URL. */
  mariadbUnavailable?: string;
  /** Prometheus instances are server processes of the broker's own, so they need this directory. */
  managedServersDir?: string;
  rabbitmqManagementUrl?: string;
  /** Why messaging is not offered, when there is no management URL. */
  rabbitmqUnavailable?: string;
  redisAdminUrl?: string;
  /** Why key-value is not offered, when there is no admin URL. */
  redisUnavailable?: string;
}

async function connectEngines(
  servers: ServerConnections,
  publicHost: string,
  timeouts: DatabaseTimeouts,
  logger: Logger,
): Promise<{ registry: EngineRegistry; available: AvailableEngine[] }> {
  const engines = new Map<EngineKind, DataServiceEngine>();
  const unavailable = new Map<EngineKind, string>();
  const { postgresAdminUrl, mariadbAdminUrl } = servers;
  try {
    engines.set(
      'postgresql',
      await PostgresEngine.connect({ adminUrl: postgresAdminUrl, publicHost, logger, timeouts }),
    );
  } catch (err) {
    // PostgreSQL is the sandbox's main service (and holds the state): without it the broker is useless.
    throw new Error(
      `cannot use the PostgreSQL server at ${redactUrl(postgresAdminUrl)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (mariadbAdminUrl) {
    try {
      engines.set(
        'mariadb',
        await MariadbEngine.connect({ adminUrl: mariadbAdminUrl, publicHost, timeouts }),
      );
    } catch (err) {
      const reason = `cannot reach MariaDB at ${redactUrl(mariadbAdminUrl)}: ${(err as Error).message}`;
      unavailable.set('mariadb', reason);
      logger.warn({ reason }, 'MariaDB services are not offered');
    }
  } else {
    const reason = servers.mariadbUnavailable ?? 'no MariaDB server';
    unavailable.set('mariadb', reason);
    logger.info({ reason }, 'MariaDB services are not offered');
  }
  await connectPrometheus(servers.managedServersDir, publicHost, logger, engines, unavailable);
  await connectMessaging(servers, publicHost, engines, unavailable, logger);
  if (servers.redisAdminUrl) {
    try {
      engines.set(
        'keyvalue',
        await RedisEngine.connect({ adminUrl: servers.redisAdminUrl, publicHost, timeouts }),
      );
    } catch (err) {
      const reason = `cannot use Redis at ${redactUrl(servers.redisAdminUrl)}: ${(err as Error).message}`;
      unavailable.set('keyvalue', reason);
      logger.warn({ reason }, 'key-value services are not offered');
    }
  } else {
    const reason = servers.redisUnavailable ?? 'no Redis server';
    unavailable.set('keyvalue', reason);
    logger.info({ reason }, 'key-value services are not offered');
  }
  const available: AvailableEngine[] = [];
  const postgres = engines.get('postgresql');
  if (postgres) available.push({ offering: postgresOffering, serverVersion: postgres.serverVersion });
  const mariadb = engines.get('mariadb');
  if (mariadb) available.push({ offering: mariadbOffering, serverVersion: mariadb.serverVersion });
  const prometheus = engines.get('prometheus');
  if (prometheus) available.push({ offering: prometheusOffering, serverVersion: prometheus.serverVersion });
  const messaging = engines.get('messaging');
  if (messaging) available.push({ offering: messagingOffering, serverVersion: messaging.serverVersion });
  const keyvalue = engines.get('keyvalue');
  if (keyvalue) available.push({ offering: keyvalueOffering, serverVersion: keyvalue.serverVersion });
  return { registry: new EngineRegistry(engines, unavailable), available };
}

/** One Prometheus server per instance, started (and resumed) by the broker in its servers directory. */
async function connectPrometheus(
  dir: string | undefined,
  publicHost: string,
  logger: Logger,
  engines: Map<EngineKind, DataServiceEngine>,
  unavailable: Map<EngineKind, string>,
): Promise<void> {
  let reason = 'Prometheus instances need --managed-servers-dir (the broker runs their servers)';
  if (dir) {
    try {
      engines.set(
        'prometheus',
        await PrometheusEngine.start({ dir, publicHost, logger: logger.child({ server: 'prometheus' }) }),
      );
      return;
    } catch (err) {
      reason = `the Prometheus servers cannot start: ${(err as Error).message}`;
    }
  }
  unavailable.set('prometheus', reason);
  logger.info({ reason }, 'Prometheus services are not offered');
}

/** Messaging on RabbitMQ: offered only when a server that enforces authentication is reachable. */
async function connectMessaging(
  servers: ServerConnections,
  publicHost: string,
  engines: Map<EngineKind, DataServiceEngine>,
  unavailable: Map<EngineKind, string>,
  logger: Logger,
): Promise<void> {
  const url = servers.rabbitmqManagementUrl;
  if (!url) {
    const reason = servers.rabbitmqUnavailable ?? 'no RabbitMQ server';
    unavailable.set('messaging', reason);
    logger.info({ reason }, 'messaging services are not offered');
    return;
  }
  try {
    engines.set('messaging', await RabbitmqEngine.connect({ managementUrl: url, publicHost }));
  } catch (err) {
    const reason = `cannot use RabbitMQ at ${redactUrl(url)}: ${(err as Error).message}`;
    unavailable.set('messaging', reason);
    logger.warn({ reason }, 'messaging services are not offered');
  }
}
