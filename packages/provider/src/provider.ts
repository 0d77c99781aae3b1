import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  backupResourceKind,
  restoreResourceKind,
  serviceBindingResourceKind,
  serviceInstanceKind,
} from '@klutch/api';
import { BackupManagerClient, OsbClient } from '@klutch/broker-clients';
import {
  cachesSynced,
  EventRecorder,
  Controller,
  Informer,
  KubeClient,
  LeaderElector,
  ResourceClient,
  RuntimeMetrics,
  type KubeObject,
  type Logger,
  type Reconciler,
} from '@klutch/kube';
import { BackendClientCache } from './backendClientCache.js';
import { ProviderConfigError, readBackendSettings, type BackendSettings } from './backendSettings.js';
import { backupReconciler } from './backupReconciler.js';
import { namesReferring, namesUsingProviderConfig } from './claimReferences.js';
import { backendHealth, defaultHealthIntervals, type HealthIntervals } from './healthSchedule.js';
import { startHealthServer } from './healthServer.js';
import {
  backupScope,
  providerConfigScope,
  providerConfigUsageScope,
  restoreScope,
  secretScope,
  serviceBindingScope,
  serviceInstanceScope,
  type BackupMr,
  type ProviderConfigObject,
  type ProviderConfigUsageObject,
  type RestoreMr,
  type SecretObject,
  type ServiceBindingMr,
  type ServiceInstanceMr,
} from './managedResources.js';
import { componentName } from './names.js';
import type { PlatformIdentity } from './osbContext.js';
import { discoverPlatformIdentity } from './platformIdentity.js';
import { backendConnection, providerConfigHealthReconciler } from './providerConfigHealthReconciler.js';
import type { ProviderContext, ProviderTiming } from './providerContext.js';
import {
  managedKeysOfUsage,
  providerConfigInUseReconciler,
  providerConfigKeysOfUsage,
  providerConfigUsageReconciler,
} from './providerConfigUsageReconciler.js';
import { restoreReconciler } from './restoreReconciler.js';
import { OperationPollSchedule } from './operationPollSchedule.js';
import { RetryGate, type RetryGateOptions } from './retryGate.js';
import { serviceBindingReconciler } from './serviceBindingReconciler.js';
import { serviceInstanceReconciler } from './serviceInstanceReconciler.js';

export interface ProviderOptions {
  /** A kubeconfig file; with neither this nor `client`, $KUBECONFIG or the in-cluster config. */
  kubeconfigPath?: string;
  client?: KubeClient;
  logger: Logger;
  /** Stops the provider when aborted. */
  signal: AbortSignal;
  /** Re-observe Ready resources this often (default 1 minute). */
  pollIntervalMs?: number;
  /** Poll broker operations without Retry-After this often (default 10 s). */
  operationPollIntervalMs?: number;
  /** Look again this often while waiting for another resource (default 5 s). */
  waitIntervalMs?: number;
  /** Concurrent reconciles per kind (default 10). */
  workers?: number;
  /** host:port for /healthz, /readyz, /metrics and /backend-health; no server when left out. */
  healthAddress?: string;
  /** Run the controllers only while holding this Lease. */
  leaderElection?: { namespace: string; name?: string; identity?: string };
  healthIntervals?: Partial<HealthIntervals>;
  /** Back-off of failed changes at backends (default 1 s doubling to 5 minutes). */
  retry?: RetryGateOptions;
  /** Per-request deadline for broker and backup-manager calls (default 60 s). */
  backendTimeoutMs?: number;
  /** Catalog cache lifetime (default 15 s). */
  catalogTtlMs?: number;
  metrics?: RuntimeMetrics;
  /** The identity brokers see; discovered from the API server when left out. */
  platform?: PlatformIdentity;
}

export interface RunningProvider {
  /** Base URL of the health server, when one was requested. */
  healthUrl?: string;
  metrics: RuntimeMetrics;
  /** Resolves when the provider has stopped (after `signal` aborted). */
  done: Promise<void>;
}

function clientFrom(opts: ProviderOptions): KubeClient {
  if (opts.client) return opts.client;
  if (opts.kubeconfigPath) return KubeClient.from({ file: opts.kubeconfigPath });
  if (process.env.KUBECONFIG) return KubeClient.from({ file: process.env.KUBECONFIG });
  return KubeClient.from({ inCluster: true });
}

/** Keys of `map` results for events of another kind; ProviderConfig events only on spec changes. */
function onSpecChange<T extends KubeObject>(map: (obj: T) => string[]): (obj: T) => string[] {
  const seen = new Map<string, number | undefined>();
  return (obj) => {
    const name = obj.metadata.name ?? '';
    const gen = obj.metadata.generation;
    if (seen.has(name) && seen.get(name) === gen && obj.metadata.deletionTimestamp === undefined) return [];
    seen.set(name, gen);
    return map(obj);
  };
}

/**
 * Starts the provider: informers for the managed resources and ProviderConfigs, one controller
 * per kind plus the ProviderConfig health checks, optionally behind leader election, and the
 * health server. Everything stops when `signal` aborts; `done` resolves afterwards.
 */
export async function startProvider(opts: ProviderOptions): Promise<RunningProvider> {
  const logger = opts.logger;
  const kube = clientFrom(opts);
  const ownsClient = opts.client === undefined;
  const metrics = opts.metrics ?? new RuntimeMetrics();
  const workers = opts.workers ?? 10;
  const timing: ProviderTiming = {
    pollIntervalMs: opts.pollIntervalMs ?? 60_000,
    operationPollIntervalMs: opts.operationPollIntervalMs ?? 10_000,
    waitIntervalMs: opts.waitIntervalMs ?? 5_000,
  };
  const intervals: HealthIntervals = { ...defaultHealthIntervals, ...opts.healthIntervals };

  const instances = new ResourceClient<ServiceInstanceMr>(kube, serviceInstanceScope);
  const bindings = new ResourceClient<ServiceBindingMr>(kube, serviceBindingScope);
  const backups = new ResourceClient<BackupMr>(kube, backupScope);
  const restores = new ResourceClient<RestoreMr>(kube, restoreScope);
  const providerConfigs = new ResourceClient<ProviderConfigObject>(kube, providerConfigScope);
  const secrets = new ResourceClient<SecretObject>(kube, secretScope);
  const usages = new ResourceClient<ProviderConfigUsageObject>(kube, providerConfigUsageScope);

  const informer = <T extends KubeObject>(resource: ResourceClient<T>) =>
    new Informer<T>({ resource, logger, metrics });
  const instanceInformer = informer(instances);
  const bindingInformer = informer(bindings);
  const backupInformer = informer(backups);
  const restoreInformer = informer(restores);
  const providerConfigInformer = informer(providerConfigs);
  const usageInformer = informer(usages);
  const informers = [
    usageInformer,
    instanceInformer,
    bindingInformer,
    backupInformer,
    restoreInformer,
    providerConfigInformer,
  ];

  const readSettings = (name: string, signal?: AbortSignal): Promise<BackendSettings> =>
    readBackendSettings(name, {
      getProviderConfig: (n) => providerConfigs.tryGet(n, { signal }),
      getSecret: (ns, n) => secrets.tryGet(n, { namespace: ns, signal }),
    });
  const backendTimeoutMs = opts.backendTimeoutMs ?? 60_000;
  const osbClients = new BackendClientCache<OsbClient>(
    (s) =>
      new OsbClient({
        ...backendConnection(s),
        timeoutMs: backendTimeoutMs,
        ...(opts.catalogTtlMs !== undefined ? { catalogTtlMs: opts.catalogTtlMs } : {}),
      }),
    (c) => c.close(),
  );
  const backupManagerClients = new BackendClientCache<BackupManagerClient>(
    (s) => {
      if (s.username === undefined) {
        throw new ProviderConfigError(
          `ProviderConfig "${s.providerConfigName}" has no credentials, but backup managers require a user name and password`,
        );
      }
      return new BackupManagerClient({
        ...backendConnection(s),
        auth: { username: s.username, password: s.password ?? '' },
        timeoutMs: backendTimeoutMs,
      });
    },
    (c) => c.close(),
  );

  const platform = opts.platform ?? (await discoverPlatformIdentity(kube, logger, opts.signal));
  const identity = opts.leaderElection?.identity ?? `${hostname()}_${randomUUID()}`;
  const ctx: ProviderContext = {
    kube,
    instances,
    bindings,
    backups,
    restores,
    providerConfigs,
    secrets,
    instanceInformer,
    bindingInformer,
    backupInformer,
    restoreInformer,
    providerConfigInformer,
    readSettings,
    async osbClientFor(name, signal) {
      const settings = await readSettings(name, signal);
      return { client: osbClients.get(settings), settings };
    },
    async backupManagerClientFor(name, signal) {
      const settings = await readSettings(name, signal);
      return { client: backupManagerClients.get(settings), settings };
    },
    events: new EventRecorder({ client: kube, logger, component: componentName, instance: identity }),
    gate: new RetryGate(opts.retry),
    operationPolls: new OperationPollSchedule({ firstMs: 50, maxMs: timing.operationPollIntervalMs }),
    failureBackoff: new RetryGate({ initialMs: 200, maxMs: timing.pollIntervalMs }),
    platform,
    timing,
    now: () => new Date(),
  };

  const controller = (name: string, reconcile: Reconciler) =>
    new Controller({ name, reconcile, logger, metrics, workers });
  const instanceController = controller('serviceinstance', serviceInstanceReconciler(ctx));
  instanceController.watch(instanceInformer);
  // A binding that goes away may unblock the deletion of its instance.
  instanceController.watch(bindingInformer, (b) =>
    instanceInformer
      .list()
      .filter((i) => namesReferring(i, [b], (x) => x.spec.forProvider.instanceName).length > 0)
      .map((i) => i.metadata.name ?? ''),
  );
  instanceController.watch(
    providerConfigInformer,
    onSpecChange((pc) => namesUsingProviderConfig(pc.metadata.name ?? '', instanceInformer.list())),
  );

  const bindingController = controller('servicebinding', serviceBindingReconciler(ctx));
  bindingController.watch(bindingInformer);
  bindingController.watch(instanceInformer, (i) =>
    namesReferring(i, bindingInformer.list(), (b) => b.spec.forProvider.instanceName),
  );
  bindingController.watch(
    providerConfigInformer,
    onSpecChange((pc) => namesUsingProviderConfig(pc.metadata.name ?? '', bindingInformer.list())),
  );

  const backupController = controller('backup', backupReconciler(ctx));
  backupController.watch(backupInformer);
  backupController.watch(instanceInformer, (i) =>
    namesReferring(i, backupInformer.list(), (b) => b.spec.forProvider.instanceName),
  );
  backupController.watch(
    providerConfigInformer,
    onSpecChange((pc) => namesUsingProviderConfig(pc.metadata.name ?? '', backupInformer.list())),
  );

  const restoreController = controller('restore', restoreReconciler(ctx));
  restoreController.watch(restoreInformer);
  restoreController.watch(backupInformer, (b) =>
    namesReferring(b, restoreInformer.list(), (r) => r.spec.forProvider.backupName),
  );
  restoreController.watch(
    providerConfigInformer,
    onSpecChange((pc) => namesUsingProviderConfig(pc.metadata.name ?? '', restoreInformer.list())),
  );

  const healthController = new Controller({
    name: 'providerconfig-health',
    reconcile: providerConfigHealthReconciler(ctx, intervals),
    logger,
    metrics,
    workers: Math.min(workers, 4),
  });
  healthController.watch(providerConfigInformer);

  // Informers of different kinds in one list: the usage tracker reads only metadata and
  // spec.providerConfigRef, which every managed resource has.
  const usageSources: Array<{
    kind: { apiVersion: string; kind: string; plural: string };
    informer: Informer<KubeObject>;
  }> = [
    { kind: serviceInstanceKind, informer: instanceInformer as unknown as Informer<KubeObject> },
    { kind: serviceBindingResourceKind, informer: bindingInformer as unknown as Informer<KubeObject> },
    { kind: backupResourceKind, informer: backupInformer as unknown as Informer<KubeObject> },
    { kind: restoreResourceKind, informer: restoreInformer as unknown as Informer<KubeObject> },
  ];
  const usageControllers = usageSources.map(({ kind, informer: mrInformer }) => {
    const c = controller(
      `providerconfigusage-${kind.plural}`,
      providerConfigUsageReconciler(
        { usages, usageInformer },
        { apiVersion: kind.apiVersion, kind: kind.kind, informer: mrInformer },
      ),
    );
    c.watch(mrInformer);
    c.watch(usageInformer, managedKeysOfUsage(kind.kind));
    return c;
  });
  const inUseController = controller(
    'providerconfig-in-use',
    providerConfigInUseReconciler({
      providerConfigs,
      providerConfigInformer,
      usageInformer,
      events: ctx.events,
    }),
  );
  inUseController.watch(providerConfigInformer);
  inUseController.watch(usageInformer, providerConfigKeysOfUsage);

  const controllers = [
    ...usageControllers,
    inUseController,
    instanceController,
    bindingController,
    backupController,
    restoreController,
    healthController,
  ];

  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal.reason);
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener('abort', onAbort, { once: true });
  for (const i of informers) i.start(stop.signal);

  let healthServer: { url: string; close: () => Promise<void> } | undefined;
  if (opts.healthAddress !== undefined) {
    healthServer = await startHealthServer({
      address: opts.healthAddress,
      metrics,
      logger,
      ready: () => cachesSynced(informers),
      backendHealth: () =>
        providerConfigInformer.hasSynced() ? backendHealth(providerConfigInformer.list()) : undefined,
    });
  }

  const runControllers = (signal: AbortSignal) =>
    Promise.all(controllers.map((c) => c.run(signal))).then(() => undefined);
  const work = opts.leaderElection
    ? new LeaderElector({
        client: kube,
        namespace: opts.leaderElection.namespace,
        name: opts.leaderElection.name ?? 'klutch-provider',
        identity,
        logger,
        metrics,
        onStartedLeading: runControllers,
      }).run(stop.signal)
    : runControllers(stop.signal);

  const done = (async () => {
    try {
      await work;
    } finally {
      await Promise.allSettled(informers.map((i) => i.stop()));
      await healthServer?.close();
      await osbClients.closeAll();
      await backupManagerClients.closeAll();
      if (ownsClient) await kube.close();
      opts.signal.removeEventListener('abort', onAbort);
      logger.info('provider stopped');
    }
  })();
  logger.info(
    { workers, leaderElection: opts.leaderElection !== undefined, platform: platform.username },
    'provider started',
  );
  return { ...(healthServer ? { healthUrl: healthServer.url } : {}), metrics, done };
}
