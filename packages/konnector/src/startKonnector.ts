import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { apiServiceBindingKind } from '@klutch/api';
import {
  conditionsEqualIgnoringTime,
  Controller,
  EventRecorder,
  Informer,
  InformerSet,
  isAlreadyExists,
  KubeClient,
  LeaderElector,
  loadRemoteKubeConfig,
  RuntimeMetrics,
  startObservabilityServer,
  waitForCrdEstablished,
} from '@klutch/kube';
import type { Logger } from '@klutch/kube';
import { computeBindingConditions } from './bindingConditions.js';
import { createBindingReconciler } from './bindingReconciler.js';
import type { ControlPlaneModeOptions } from './commandLine.js';
import { ClaimedObjectCaches } from './claimedObjectCaches.js';
import { ConnectionRegistry } from './connectionRegistry.js';
import { bindingsClient, crdsClient, namespacesClient, secretsClient } from './konnectorClients.js';
import { konnectorComponent } from './konnectorNames.js';
import { appClusterKubeconfigProblem, checkAppClusterKubeconfigSecret } from './providerKubeconfig.js';
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
  /**
   * Control-plane mode: `client`/`kubeconfigPath` is the control plane (APIServiceBindings in the
   * binding root namespace, the Lease, the provider side); the app cluster is reached with the
   * kubeconfig in the given Secret, re-read whenever the Secret changes.
   */
  controlPlane?: ControlPlaneModeOptions;
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
  // In control-plane mode the CRD belongs to the control plane's installation, and the
  // konnector's service account may not write CRDs there.
  if (!opts.controlPlane) await installBindingCrd(client, stop.signal);

  const health = opts.healthAddress
    ? await startObservabilityServer({
        address: opts.healthAddress,
        metrics,
        logger,
        ready: () => (ready ? { ready: true } : { ready: false, reason: 'not leading or caches not synced' }),
      })
    : undefined;

  const common = {
    logger,
    metrics,
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? defaultHeartbeatIntervalMs,
    informerSyncTimeoutMs: opts.informerSyncTimeoutMs ?? defaultInformerSyncTimeoutMs,
    setReady: (r: boolean) => {
      ready = r;
    },
  };
  const cp = opts.controlPlane;
  const session = (signal: AbortSignal) =>
    cp
      ? runControlPlaneSessions({ ...common, controlPlane: client, options: cp, signal })
      : runSession({ ...common, bindingClient: client, appClient: client, signal });
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
  /** Where APIServiceBindings, their Secrets and Events live (the app cluster, or the control plane). */
  bindingClient: KubeClient;
  /** Where bound CRDs, consumer objects and namespaces live. */
  appClient: KubeClient;
  /** Control-plane mode: the bindings' namespace, which is also the provider namespace. */
  controlPlane?: { providerClient: KubeClient; bindingRootNamespace: string };
  logger: Logger;
  metrics: RuntimeMetrics;
  signal: AbortSignal;
  heartbeatIntervalMs: number;
  informerSyncTimeoutMs: number;
  setReady: (ready: boolean) => void;
}

/** One term of leadership: everything is built here and torn down when `signal` aborts. */
async function runSession(s: SessionOptions): Promise<void> {
  const { bindingClient, appClient, logger, metrics, signal } = s;
  const client = appClient;
  const rootNs = s.controlPlane?.bindingRootNamespace;
  const log = logger.child({ session: randomUUID().slice(0, 8) });
  const app = {
    client,
    bindings: new Informer<BindingObject>({
      resource: bindingsClient(bindingClient),
      logger: log,
      metrics,
      name: rootNs ? 'controlplane:apiservicebindings' : 'app:apiservicebindings',
      ...(rootNs ? { namespace: rootNs } : {}),
    }),
    // Only the Secrets the bindings name, each watched by name: an app cluster holds many
    // Secrets (Helm releases of 10-100 KB each) the konnector has nothing to do with.
    kubeconfigSecrets: InformerSet.byName<SecretObject>({
      resource: secretsClient(bindingClient),
      logger: log,
      metrics,
      name: rootNs ? 'controlplane:secrets' : 'app:secrets',
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
      ...(s.controlPlane ? { providerClient: s.controlPlane.providerClient } : {}),
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
      bindingClient: bindingsClient(bindingClient),
      secrets: app.kubeconfigSecrets,
      registry,
      events: new EventRecorder({ client: bindingClient, component: konnectorComponent, logger: log }),
      ...(rootNs
        ? {
            checkSecret: (
              secret: SecretObject | undefined,
              ref: { namespace: string; name: string; key: string },
            ) => checkAppClusterKubeconfigSecret(secret, ref, rootNs),
          }
        : {}),
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

interface ControlPlaneSessionsOptions {
  controlPlane: KubeClient;
  options: ControlPlaneModeOptions;
  logger: Logger;
  metrics: RuntimeMetrics;
  signal: AbortSignal;
  heartbeatIntervalMs: number;
  informerSyncTimeoutMs: number;
  setReady: (ready: boolean) => void;
}

/**
 * Control-plane mode, one term of leadership: watches the app cluster's kubeconfig Secret and runs
 * one sync session per version of it. A rotated kubeconfig (new token, new CA, new address) ends
 * the session and starts the next one with a new app-cluster client, without restarting the
 * process (the Go konnector reads it once at startup). A refused kubeconfig is reported on the
 * bindings (SecretValid) and nothing runs until the Secret changes.
 */
async function runControlPlaneSessions(s: ControlPlaneSessionsOptions): Promise<void> {
  const { controlPlane, logger, metrics, signal } = s;
  const { namespace, name, key } = s.options.appClusterKubeconfigSecret;
  const rootNs = s.options.bindingRootNamespace;
  const where = `${namespace}/${name}`;
  const secretInformer = new Informer<SecretObject>({
    resource: secretsClient(controlPlane),
    logger,
    metrics,
    namespace,
    fieldSelector: `metadata.name=${name}`,
    name: 'controlplane:app-cluster-kubeconfig',
  });
  let wake: () => void = () => undefined;
  const changed = () => wake();
  secretInformer.addHandlers({ onAdd: changed, onUpdate: changed, onDelete: changed });
  signal.addEventListener('abort', changed, { once: true });
  secretInformer.start(signal);
  let current:
    { text: string | undefined; stop: AbortController; done: Promise<void>; app?: KubeClient } | undefined;
  const end = async () => {
    if (!current) return;
    current.stop.abort();
    await current.done;
    await current.app?.close();
  };
  try {
    await secretInformer.waitForSync(signal);
    while (!signal.aborted) {
      const next = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const encoded = secretInformer.get(where)?.data?.[key];
      const text = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
      if (!current || current.text !== text) {
        await end();
        const stop = new AbortController();
        const problem =
          text === undefined
            ? `secret ${where} ${secretInformer.get(where) ? `has no key "${key}"` : 'not found'}`
            : appClusterKubeconfigProblem(text);
        if (problem !== undefined) {
          logger.error(
            { secret: where, problem },
            'app cluster kubeconfig refused; waiting for the secret to change',
          );
          s.setReady(false);
          current = {
            text,
            stop,
            done: reportRefusedKubeconfig(controlPlane, rootNs, where, problem, logger, signal),
          };
        } else {
          const app = new KubeClient(loadRemoteKubeConfig(text ?? ''), {
            userAgent: konnectorComponent,
            connections: 32,
          });
          const sessionSignal = AbortSignal.any([signal, stop.signal]);
          logger.info({ secret: where, server: app.server }, 'connecting to the app cluster');
          current = {
            text,
            stop,
            app,
            done: runSession({
              ...s,
              bindingClient: controlPlane,
              appClient: app,
              controlPlane: { providerClient: controlPlane, bindingRootNamespace: rootNs },
              signal: sessionSignal,
            }).catch((err: unknown) => {
              logger.error({ err }, 'app cluster session failed');
            }),
          };
        }
      }
      await next;
    }
  } catch {
    // Leadership ended before the Secret was listed.
  } finally {
    await end();
    await secretInformer.stop();
  }
}

/** Writes SecretValid=False (and Ready) on every binding of the root namespace. */
async function reportRefusedKubeconfig(
  controlPlane: KubeClient,
  rootNs: string,
  where: string,
  problem: string,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  const client = bindingsClient(controlPlane);
  try {
    const list = await client.list({ namespace: rootNs, signal });
    for (const b of list.items) {
      const conditions = computeBindingConditions(b.status?.conditions, {
        secret: {
          valid: false,
          reason: 'KubeconfigSecretInvalid',
          message: `App cluster kubeconfig ${where} is refused: ${problem}. Store a kubeconfig with a service-account token (no exec plugins).`,
        },
      });
      if (conditionsEqualIgnoringTime(b.status?.conditions, conditions)) continue;
      await client.update(
        { ...b, status: { ...(b.status ?? {}), conditions } },
        { subresource: 'status', signal },
      );
    }
  } catch (err) {
    if (!signal.aborted)
      logger.warn({ err }, 'could not report the refused app cluster kubeconfig on the bindings');
  }
}
