import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { apiServiceBindingKind } from '@klutch/api';
import {
  Controller,
  EventRecorder,
  Informer,
  InformerSet,
  isAlreadyExists,
  KubeClient,
  LeaderElector,
  RuntimeMetrics,
  startObservabilityServer,
  waitForCrdEstablished,
} from '@klutch/kube';
import type { Logger } from '@klutch/kube';
import { createBindingReconciler } from './bindingReconciler.js';
import { ClaimedObjectCaches } from './claimedObjectCaches.js';
import { ConnectionRegistry } from './connectionRegistry.js';
import { bindingsClient, crdsClient, namespacesClient, secretsClient } from './konnectorClients.js';
import { konnectorComponent } from './konnectorNames.js';
import {
  kubeconfigSecretKey,
  type BindingObject,
  type CrdObject,
  type SecretObject,
} from './konnectorObjects.js';

export const defaultHeartbeatIntervalMs = 5 * 60_000;
export const defaultInformerSyncTimeoutMs = 150_000;

export interface KonnectorOptions {
  /** A client for the app cluster; otherwise built from `kubeconfigPath` ($KUBECONFIG / in-cluster). */
  client?: KubeClient;
  kubeconfigPath?: string;
  logger: Logger;
  /** Sync only while holding the Lease (default true); false runs one konnector without a Lease. */
  leaderElection?: boolean;
  leaseName?: string;
  /** Default $POD_NAMESPACE, else kube-system. */
  leaseNamespace?: string;
  /** Default $POD_NAME, else host name plus a random id. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** host:port for /healthz, /readyz and /metrics; none without it. */
  healthAddress?: string;
  heartbeatIntervalMs?: number;
  informerSyncTimeoutMs?: number;
  metrics?: RuntimeMetrics;
}

export interface KonnectorHandle {
  stop(): Promise<void>;
  isLeader(): boolean;
  /** Settles when the konnector has stopped. */
  done: Promise<void>;
  healthUrl?: string;
  metrics: RuntimeMetrics;
}

/** Creates or updates the APIServiceBinding CRD in the app cluster and waits until it is served. */
export async function installBindingCrd(client: KubeClient, signal?: AbortSignal): Promise<void> {
  const crds = crdsClient(client);
  const desired = structuredClone(apiServiceBindingKind.crd) as unknown as CrdObject;
  const name = desired.metadata.name ?? '';
  for (let attempt = 0; ; attempt++) {
    const existing = await crds.tryGet(name, { signal });
    try {
      if (!existing) await crds.create(desired, { signal });
      else
        await crds.update(
          {
            ...existing,
            metadata: { ...existing.metadata, labels: desired.metadata.labels ?? existing.metadata.labels },
            spec: desired.spec,
          },
          { signal },
        );
      break;
    } catch (err) {
      if (attempt >= 5 || !(isAlreadyExists(err) || (err as { status?: number }).status === 409)) throw err;
    }
  }
  await waitForCrdEstablished(client, name, { signal, timeoutMs: 60_000 });
}

/**
 * Starts the konnector against an app cluster: installs the APIServiceBinding CRD, then, while
 * holding the Lease, watches APIServiceBindings and syncs their APIs with the service providers.
 * Losing the Lease stops every informer, controller and provider connection; the process then
 * campaigns again.
 */
export async function startKonnector(opts: KonnectorOptions): Promise<KonnectorHandle> {
  const { logger } = opts;
  const ownsClient = opts.client === undefined;
  const client =
    opts.client ??
    KubeClient.from(opts.kubeconfigPath !== undefined ? { file: opts.kubeconfigPath } : {}, {
      userAgent: konnectorComponent,
    });
  const metrics = opts.metrics ?? new RuntimeMetrics();
  const stop = new AbortController();
  let ready = false;
  await installBindingCrd(client, stop.signal);

  const health = opts.healthAddress
    ? await startObservabilityServer({
        address: opts.healthAddress,
        metrics,
        logger,
        ready: () => (ready ? { ready: true } : { ready: false, reason: 'not leading or caches not synced' }),
      })
    : undefined;

  const session = (signal: AbortSignal) =>
    runSession({
      client,
      logger,
      metrics,
      signal,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? defaultHeartbeatIntervalMs,
      informerSyncTimeoutMs: opts.informerSyncTimeoutMs ?? defaultInformerSyncTimeoutMs,
      setReady: (r) => {
        ready = r;
      },
    });
  let running: (signal: AbortSignal) => Promise<void>;
  let isLeader: () => boolean;
  if (opts.leaderElection === false) {
    logger.info('leader election is off: this must be the only konnector of the cluster');
    running = session;
    isLeader = () => !stop.signal.aborted;
  } else {
    const elector = new LeaderElector({
      client,
      namespace: opts.leaseNamespace ?? process.env.POD_NAMESPACE ?? 'kube-system',
      name: opts.leaseName ?? 'klutch-bind',
      identity: opts.identity ?? process.env.POD_NAME ?? `${hostname()}_${randomUUID()}`,
      logger,
      metrics,
      ...(opts.leaseDurationMs !== undefined ? { leaseDurationMs: opts.leaseDurationMs } : {}),
      ...(opts.renewDeadlineMs !== undefined ? { renewDeadlineMs: opts.renewDeadlineMs } : {}),
      ...(opts.retryPeriodMs !== undefined ? { retryPeriodMs: opts.retryPeriodMs } : {}),
      onStartedLeading: session,
    });
    running = (signal) => elector.run(signal);
    isLeader = () => elector.isLeader();
  }
  const done = running(stop.signal).finally(async () => {
    await health?.close();
    if (ownsClient) await client.close();
  });
  return {
    stop: async () => {
      stop.abort();
      await done;
    },
    isLeader,
    done,
    ...(health ? { healthUrl: health.url } : {}),
    metrics,
  };
}

interface SessionOptions {
  client: KubeClient;
  logger: Logger;
  metrics: RuntimeMetrics;
  signal: AbortSignal;
  heartbeatIntervalMs: number;
  informerSyncTimeoutMs: number;
  setReady: (ready: boolean) => void;
}

/** One term of leadership: everything is built here and torn down when `signal` aborts. */
async function runSession(s: SessionOptions): Promise<void> {
  const { client, logger, metrics, signal } = s;
  const log = logger.child({ session: randomUUID().slice(0, 8) });
  const app = {
    client,
    bindings: new Informer<BindingObject>({
      resource: bindingsClient(client),
      logger: log,
      metrics,
      name: 'app:apiservicebindings',
    }),
    // Only the Secrets the bindings name, each watched by name: an app cluster holds many
    // Secrets (Helm releases of 10-100 KB each) the konnector has nothing to do with.
    kubeconfigSecrets: InformerSet.byName<SecretObject>({
      resource: secretsClient(client),
      logger: log,
      metrics,
      name: 'app:secrets',
      signal,
    }),
    claimedObjects: new ClaimedObjectCaches({ client, logger: log, metrics, signal }),
    crds: new Informer<CrdObject>({ resource: crdsClient(client), logger: log, metrics, name: 'app:crds' }),
    namespaces: new Informer({
      resource: namespacesClient(client),
      logger: log,
      metrics,
      name: 'app:namespaces',
    }),
  };
  const followBindingSecrets = () =>
    app.kubeconfigSecrets.setKeys(app.bindings.list().map((b) => kubeconfigSecretKey(b)));
  app.bindings.addHandlers({
    onAdd: followBindingSecrets,
    onUpdate: followBindingSecrets,
    onDelete: followBindingSecrets,
  });
  const registry = new ConnectionRegistry(
    {
      app,
      logger: log,
      metrics,
      heartbeatIntervalMs: s.heartbeatIntervalMs,
      informerSyncTimeoutMs: s.informerSyncTimeoutMs,
      onStateChange: (keys) => {
        for (const k of keys) bindingController.enqueue(k);
      },
    },
    log,
  );
  // Declared after the registry: its callback runs only once the controller exists.
  const bindingController = new Controller({
    name: 'apiservicebindings',
    logger: log,
    metrics,
    workers: 2,
    reconcile: createBindingReconciler({
      bindings: app.bindings,
      bindingClient: bindingsClient(client),
      secrets: app.kubeconfigSecrets,
      registry,
      events: new EventRecorder({ client, component: konnectorComponent, logger: log }),
    }),
  });
  bindingController.watch(app.bindings);
  bindingController.watch(app.kubeconfigSecrets, (secret) =>
    app.bindings
      .list()
      .filter(
        (b) => kubeconfigSecretKey(b) === `${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}`,
      )
      .map((b) => `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`),
  );
  bindingController.watch(app.crds, (crd) =>
    app.bindings
      .list()
      .filter((b) => b.metadata.name === crd.metadata.name)
      .map((b) => `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`),
  );
  const informers = [app.bindings, app.crds, app.namespaces];
  for (const i of informers) i.start(signal);
  try {
    await Promise.all(informers.map((i) => i.waitForSync(signal)));
    // The bindings are listed, so the set now has an informer for each of their Secrets.
    await app.kubeconfigSecrets.waitForSync(signal);
    s.setReady(true);
    log.info('konnector leading: caches synced, controllers starting');
  } catch {
    // Leadership ended before the caches synced.
  }
  await bindingController.run(signal);
  s.setReady(false);
  await registry.stopAll();
  await Promise.allSettled([
    ...informers.map((i) => i.stop()),
    app.kubeconfigSecrets.stop(),
    app.claimedObjects.stop(),
  ]);
  log.info('konnector session ended');
}
