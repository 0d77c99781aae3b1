import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { clusterBindingName } from '@klutch/api';
import {
  Controller,
  EventRecorder,
  Informer,
  InformerSet,
  KubeClient,
  LeaderElector,
  RuntimeMetrics,
  objectKey,
  cachesSynced,
  startObservabilityServer,
} from '@klutch/kube';
import type { KubeObject, Logger, ResourceClient } from '@klutch/kube';
import { backendClients } from './backendClients.js';
import { bindConsumer } from './bindConsumer.js';
import type { BindConsumerResult, RequestedResource } from './bindConsumer.js';
import type { ClusterScopedIsolation, ConsumerScope } from './backendSettings.js';
import { bootstrapBinderClusterRole } from './bootstrap.js';
import {
  appClusterBindingNameLabel,
  appClusterBindingNames,
  appClusterBindingNamespaceLabel,
  defaultKonnectorImage,
} from './appClusterBindingPlan.js';
import type { AppClusterBindingObject } from './appClusterBindingPlan.js';
import type { SecretObject } from './backendObjects.js';
import {
  appClusterBindingClients,
  createAppClusterBindingReconciler,
} from './controllers/appClusterBindingReconciler.js';
import type {
  AppClusterBindingReconcilerDeps,
  ConditionedObject,
} from './controllers/appClusterBindingReconciler.js';
import type { KubeconfigSettings } from './consumerKubeconfig.js';
import { createClusterBindingReconciler } from './controllers/clusterBindingReconciler.js';
import { createCredentialRotationReconciler } from './controllers/credentialRotationReconciler.js';
import { createExportRequestReconciler } from './controllers/exportRequestReconciler.js';
import { createServiceExportReconciler } from './controllers/serviceExportReconciler.js';
import {
  createServiceNamespaceReconciler,
  serviceNamespaceKeyOf,
} from './controllers/serviceNamespaceReconciler.js';
import { defaultCredentialTimings } from './credentialSchedule.js';
import { exportTemplateSet } from './exportTemplateSet.js';
import type { CredentialTimings } from './credentialSchedule.js';
import { defaultRequestTimings } from './exportRequestPhase.js';
import type { RequestTimings } from './exportRequestPhase.js';
import type { HeartbeatSettings } from './heartbeatHealth.js';
import { consumerKubeconfigLabel, resourceObjectName } from './names.js';

export const backendComponent = 'klutch-backend';

export interface BackendOptions extends KubeconfigSettings {
  /** Client of the control-plane cluster; otherwise built from `kubeconfigPath` ($KUBECONFIG / in-cluster). */
  client?: KubeClient;
  kubeconfigPath?: string;
  logger: Logger;
  /** Used by bind(): provider namespaces are `<prefix>-<8 characters>` (default `cluster`). */
  namespacePrefix?: string;
  /** Used by bind(): ClusterBinding.spec.providerPrettyName. */
  prettyName?: string;
  consumerScope?: ConsumerScope;
  clusterScopedIsolation?: ClusterScopedIsolation;
  /** Lease `klutch-backend` in this namespace; controllers run only while holding it. */
  leaderElection?: {
    namespace: string;
    identity?: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
  };
  /** host:port for /healthz, /readyz and /metrics; none without it. */
  healthAddress?: string;
  metrics?: RuntimeMetrics;
  requestTimings?: Partial<RequestTimings>;
  credentialTimings?: CredentialTimings;
  heartbeat?: HeartbeatSettings;
  /** Upper bound between two reconciles of a ClusterBinding (RBAC drift repair). Default 10 min. */
  clusterBindingResyncMs?: number;
  /**
   * Control-plane mode: also reconcile AppClusterBindings (root namespace, bindings, konnector
   * Deployment). Needs the AppClusterBinding CRD.
   */
  controlPlaneMode?: {
    /** Image of the konnector Deployments (default klutch/konnector:<version>). */
    konnectorImage?: string;
    /** How often an app cluster's reachability and permissions are checked again (default 5 min). */
    accessCheckIntervalMs?: number;
    checkAccess?: AppClusterBindingReconcilerDeps['checkAccess'];
  };
}

export interface BackendHandle {
  /** Stops controllers, informers, the health server and (if it built it) the client. */
  stop(): Promise<void>;
  ready(): boolean;
  /** bindConsumer with this backend's client and settings (prefix, pretty name, external address, timings). */
  bind(identity: string, requests?: RequestedResource[], signal?: AbortSignal): Promise<BindConsumerResult>;
  healthUrl?: string;
  metrics: RuntimeMetrics;
}

/**
 * Starts the provider-side controllers of the binding engine: export requests → exports, export ↔
 * CRD drift, service namespaces, cluster bindings (RBAC and health) and credential rotation, after
 * bootstrapping the ClusterRole `klutch-binder`.
 */
export async function startBackend(opts: BackendOptions): Promise<BackendHandle> {
  const { logger } = opts;
  const ownsClient = opts.client === undefined;
  const client =
    opts.client ??
    KubeClient.from(opts.kubeconfigPath !== undefined ? { file: opts.kubeconfigPath } : {}, {
      userAgent: backendComponent,
    });
  const clients = backendClients(client);
  const metrics = opts.metrics ?? new RuntimeMetrics({ processMetrics: true });
  const consumerScope = opts.consumerScope ?? 'Namespaced';
  const clusterScopedIsolation = opts.clusterScopedIsolation ?? 'Prefixed';
  const stopping = new AbortController();
  const signal = stopping.signal;

  const informers: Informer<KubeObject>[] = [];
  function informer<T extends KubeObject>(resource: ResourceClient<T>, name: string): Informer<T> {
    const i = new Informer<T>({ resource, logger, metrics, name });
    informers.push(i as unknown as Informer<KubeObject>);
    return i;
  }
  const requests = informer(clients.exportRequests, 'apiserviceexportrequests');
  const exports = informer(clients.exports, 'apiserviceexports');
  const crds = informer(clients.crds, 'customresourcedefinitions');
  const serviceNamespaces = informer(clients.serviceNamespaces, 'apiservicenamespaces');
  const namespaces = informer(clients.namespaces, 'namespaces');
  const clusterBindings = informer(clients.clusterBindings, 'clusterbindings');
  const kubeconfigSecrets = new Informer({
    resource: clients.secrets,
    logger,
    metrics,
    name: 'consumer-kubeconfig-secrets',
    labelSelector: `${consumerKubeconfigLabel}=true`,
  });
  informers.push(kubeconfigSecrets);

  const controller = (name: string, reconcile: ConstructorParameters<typeof Controller>[0]['reconcile']) =>
    new Controller({ name: `klutch-backend-${name}`, logger, metrics, reconcile });

  const templateSet = exportTemplateSet(clients, informer, controller);
  const templates = templateSet.lister;

  const requestController = controller(
    'serviceexportrequest',
    createExportRequestReconciler({
      clients,
      requests,
      exports,
      crds,
      templates,
      consumerScope,
      clusterScopedIsolation,
      timings: { ...defaultRequestTimings, ...opts.requestTimings },
    }),
  );
  requestController.watch(requests);
  const pendingRequestsIn = (namespace?: string) =>
    requests
      .list(namespace)
      .filter((r) => (r.status?.phase ?? 'Pending') === 'Pending')
      .map((r) => objectKey(r));
  requestController.watch(exports, (e) => pendingRequestsIn(e.metadata.namespace ?? ''));
  requestController.watch(crds, (crd) =>
    pendingRequestsIn().filter((key) =>
      requests
        .get(key)
        ?.spec.resources.some((r) => resourceObjectName(r.group ?? '', r.resource) === crd.metadata.name),
    ),
  );
  for (const i of templateSet.informers) requestController.watch(i, () => pendingRequestsIn());

  const exportController = controller(
    'serviceexport',
    createServiceExportReconciler({ clients, exports, crds, templates }),
  );
  exportController.watch(exports);
  exportController.watch(crds, (crd) =>
    exports
      .list()
      .filter((e) => e.metadata.name === crd.metadata.name)
      .map(objectKey),
  );

  const namespaceController = controller(
    'servicenamespace',
    createServiceNamespaceReconciler({ clients, serviceNamespaces, namespaces }),
  );
  namespaceController.watch(serviceNamespaces);
  namespaceController.watch(namespaces, (ns) => serviceNamespaceKeyOf(ns));

  const bindingController = controller(
    'clusterbinding',
    createClusterBindingReconciler({
      clients,
      clusterBindings,
      exports,
      namespaces,
      consumerScope,
      clusterScopedIsolation,
      ...(opts.heartbeat ? { heartbeat: opts.heartbeat } : {}),
      ...(opts.clusterBindingResyncMs !== undefined ? { resyncMs: opts.clusterBindingResyncMs } : {}),
    }),
  );
  bindingController.watch(clusterBindings);
  bindingController.watch(exports, (e) => `${e.metadata.namespace ?? ''}/${clusterBindingName}`);

  const rotationController = controller(
    'credentialrotation',
    createCredentialRotationReconciler({
      clients,
      clusterBindings,
      settings: opts,
      timings: opts.credentialTimings ?? defaultCredentialTimings(),
    }),
  );
  rotationController.watch(clusterBindings);
  rotationController.watch(kubeconfigSecrets, (s) => `${s.metadata.namespace ?? ''}/${clusterBindingName}`);

  const controllers = [
    requestController,
    exportController,
    namespaceController,
    bindingController,
    rotationController,
    ...templateSet.controllers,
  ];

  if (opts.controlPlaneMode) {
    const cpm = opts.controlPlaneMode;
    const acbClients = appClusterBindingClients(client);
    const acbs = informer<AppClusterBindingObject>(acbClients.appClusterBindings, 'appclusterbindings');
    const apiServiceBindings = new Informer<ConditionedObject>({
      resource: acbClients.apiServiceBindings,
      logger,
      metrics,
      name: 'appclusterbinding-apiservicebindings',
      labelSelector: appClusterBindingNameLabel,
    });
    informers.push(apiServiceBindings);
    // Only the Secrets AppClusterBindings name, each watched by name: the control plane holds
    // many Secrets this controller has nothing to do with.
    const acbSecrets = InformerSet.byName<SecretObject>({
      resource: clients.secrets,
      logger,
      metrics,
      name: 'appclusterbinding-secrets',
      signal,
    });
    const secretKeyOf = (a: AppClusterBindingObject) =>
      `${a.spec.kubeconfigSecretRef.namespace}/${a.spec.kubeconfigSecretRef.name}`;
    const followSecrets = () => acbSecrets.setKeys(acbs.list().map(secretKeyOf));
    acbs.addHandlers({ onAdd: followSecrets, onUpdate: followSecrets, onDelete: followSecrets });
    const acbController = controller(
      'appclusterbinding',
      createAppClusterBindingReconciler({
        clients,
        acbClients,
        appClusterBindings: acbs,
        secrets: acbSecrets,
        templates,
        exports,
        requests,
        apiServiceBindings,
        namespaces,
        events: new EventRecorder({ client, component: backendComponent, logger }),
        konnectorImage: cpm.konnectorImage ?? defaultKonnectorImage,
        ...(cpm.accessCheckIntervalMs !== undefined
          ? { accessCheckIntervalMs: cpm.accessCheckIntervalMs }
          : {}),
        ...(cpm.checkAccess ? { checkAccess: cpm.checkAccess } : {}),
      }),
    );
    // The name label is capped at 63 characters, so compare it with each binding's capped name.
    const byLabels = (o: KubeObject) => {
      const n = o.metadata.labels?.[appClusterBindingNameLabel];
      const ns = o.metadata.labels?.[appClusterBindingNamespaceLabel];
      if (!n || !ns) return undefined;
      return acbs
        .list(ns)
        .filter(
          (a) => appClusterBindingNames(ns, a.metadata.name ?? '').labels[appClusterBindingNameLabel] === n,
        )
        .map(objectKey);
    };
    const byRootNamespace = (o: KubeObject) => {
      const root = namespaces.get(o.metadata.namespace ?? '');
      return root ? byLabels(root) : undefined;
    };
    acbController.watch(acbs);
    acbController.watch(acbSecrets, (s) =>
      acbs
        .list()
        .filter((a) => secretKeyOf(a) === objectKey(s))
        .map(objectKey),
    );
    for (const i of templateSet.informers) acbController.watch(i, () => acbs.list().map(objectKey));
    acbController.watch(apiServiceBindings, byLabels);
    acbController.watch(namespaces, byLabels);
    acbController.watch(exports, byRootNamespace);
    acbController.watch(requests, byRootNamespace);
    controllers.push(acbController);
  }

  for (const i of informers) i.start(signal);
  const ready = () => informers.every((i) => i.hasSynced());

  let health: Awaited<ReturnType<typeof startObservabilityServer>> | undefined;
  if (opts.healthAddress !== undefined) {
    health = await startObservabilityServer({
      address: opts.healthAddress,
      metrics,
      logger,
      ready: () => cachesSynced(informers),
    });
  }

  const runControllers = async (scope: AbortSignal) => {
    try {
      await bootstrapBinderClusterRole(clients, logger, scope);
    } catch {
      return; // aborted
    }
    await Promise.all(controllers.map((c) => c.run(scope)));
  };

  let running: Promise<void>;
  if (opts.leaderElection) {
    const elector = new LeaderElector({
      client,
      namespace: opts.leaderElection.namespace,
      name: backendComponent,
      identity: opts.leaderElection.identity ?? `${hostname()}_${randomUUID()}`,
      logger,
      metrics,
      ...(opts.leaderElection.leaseDurationMs !== undefined
        ? { leaseDurationMs: opts.leaderElection.leaseDurationMs }
        : {}),
      ...(opts.leaderElection.renewDeadlineMs !== undefined
        ? { renewDeadlineMs: opts.leaderElection.renewDeadlineMs }
        : {}),
      ...(opts.leaderElection.retryPeriodMs !== undefined
        ? { retryPeriodMs: opts.leaderElection.retryPeriodMs }
        : {}),
      onStartedLeading: runControllers,
    });
    running = elector.run(signal);
  } else {
    running = runControllers(signal);
  }
  running = running.catch((err: unknown) => {
    logger.error({ err }, 'backend controllers stopped with an error');
  });

  let stopped: Promise<void> | undefined;
  return {
    metrics,
    ready,
    bind: (identity, requested, bindSignal) =>
      bindConsumer({
        client,
        identity,
        logger,
        ...(requested ? { requests: requested } : {}),
        ...(opts.namespacePrefix !== undefined ? { namespacePrefix: opts.namespacePrefix } : {}),
        ...(opts.prettyName !== undefined ? { prettyName: opts.prettyName } : {}),
        ...(opts.externalAddress !== undefined ? { externalAddress: opts.externalAddress } : {}),
        ...(opts.externalCaPem !== undefined ? { externalCaPem: opts.externalCaPem } : {}),
        ...(opts.externalServerName !== undefined ? { externalServerName: opts.externalServerName } : {}),
        ...(opts.credentialTimings ? { credentialTimings: opts.credentialTimings } : {}),
        ...(bindSignal ? { signal: bindSignal } : {}),
      }),
    ...(health ? { healthUrl: health.url } : {}),
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await running;
        await Promise.all(informers.map((i) => i.stop()));
        await health?.close();
        if (ownsClient) await client.close();
      })();
      return stopped;
    },
  };
}
