import { Controller, Informer, KubeClient, loadRemoteKubeConfig } from '@klutch/kube';
import type { InformerSet } from '@klutch/kube';
import type { Logger, RuntimeMetrics } from '@klutch/kube';
import type { ConnectedState, HeartbeatState, InformerSyncState } from './bindingConditions.js';
import { syncBindingCrd } from './bindingCrdSync.js';
import type { ClaimedObjectCaches } from './claimedObjectCaches.js';
import { createExportReconciler } from './exportReconciler.js';
import { ExportSyncer } from './exportSyncer.js';
import { acceptedClaims } from './claimOwnership.js';
import { createHeartbeatReconciler } from './heartbeatReconciler.js';
import {
  clusterBindingsClient,
  crdsClient,
  exportsClient,
  namespacesClient,
  secretsClient,
  serviceNamespacesClient,
} from './konnectorClients.js';
import { clusterBindingName, konnectorComponent } from './konnectorNames.js';
import type {
  BindingObject,
  ClusterBindingObject,
  CrdObject,
  ExportObject,
  SecretObject,
  ServiceNamespaceObject,
} from './konnectorObjects.js';
import { createNamespaceDeletionReconciler } from './namespaceDeletionReconciler.js';
import type { NamespaceMapping } from './syncContext.js';

/** The app-cluster caches every connection shares (owned by the konnector session). */
export interface AppCaches {
  client: KubeClient;
  bindings: Informer<BindingObject>;
  /** The bindings' kubeconfig Secrets, one informer each (not every Secret of the cluster). */
  kubeconfigSecrets: InformerSet<SecretObject>;
  /** Metadata-only caches of claimed resources, shared by the export syncers. */
  claimedObjects: ClaimedObjectCaches;
  crds: Informer<CrdObject>;
  namespaces: Informer;
}

export interface ProviderConnectionOptions {
  kubeconfig: string;
  /**
   * Control-plane mode: the provider is the control plane the konnector runs in, reached with its
   * own client (not closed here); `kubeconfig` then only identifies the connection.
   */
  providerClient?: KubeClient;
  providerNamespace: string;
  app: AppCaches;
  logger: Logger;
  metrics?: RuntimeMetrics;
  heartbeatIntervalMs: number;
  informerSyncTimeoutMs: number;
  /** Something that bindings report changed (sync state, heartbeat); re-evaluate them. */
  onStateChange: (bindingKeys: string[]) => void;
}

/**
 * Everything the konnector does against one service provider (one distinct kubeconfig): the
 * provider caches, the heartbeat, namespace cleanup, and one syncer per bound export. Bindings
 * with an identical kubeconfig share it.
 */
export class ProviderConnection {
  readonly bindingKeys = new Set<string>();
  readonly providerNamespace: string;
  private readonly client: KubeClient;
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private readonly clusterBindings: Informer<ClusterBindingObject>;
  private readonly exports: Informer<ExportObject>;
  private readonly serviceNamespaces: Informer<ServiceNamespaceObject>;
  private readonly providerSecrets: Informer<SecretObject>;
  private readonly controllers: Controller[] = [];
  private readonly detach: Array<() => void> = [];
  private readonly runs: Promise<void>[] = [];
  private readonly syncers = new Map<string, { identity: string; syncer: ExportSyncer }>();
  private readonly exportController: Controller;
  private informerState: InformerSyncState = { state: 'syncing' };
  private heartbeat: HeartbeatState = { state: 'pending' };
  private providerNamespaceUid: string | undefined;
  readonly mapping: NamespaceMapping;

  constructor(private readonly opts: ProviderConnectionOptions) {
    this.providerNamespace = opts.providerNamespace;
    this.log = opts.logger.child({ providerNamespace: opts.providerNamespace });
    // Checked by checkProviderKubeconfig already; loading it restricted again keeps this the
    // only way a provider client is built.
    this.client =
      opts.providerClient ??
      new KubeClient(loadRemoteKubeConfig(opts.kubeconfig), {
        userAgent: konnectorComponent,
        connections: 32,
      });
    const ns = opts.providerNamespace;
    const common = { logger: this.log, metrics: opts.metrics, namespace: ns };
    this.clusterBindings = new Informer({
      ...common,
      resource: clusterBindingsClient(this.client),
      name: `provider:clusterbindings@${ns}`,
    });
    this.exports = new Informer({
      ...common,
      resource: exportsClient(this.client),
      name: `provider:apiserviceexports@${ns}`,
    });
    this.serviceNamespaces = new Informer({
      ...common,
      resource: serviceNamespacesClient(this.client),
      name: `provider:apiservicenamespaces@${ns}`,
    });
    this.providerSecrets = new Informer({
      ...common,
      resource: secretsClient(this.client),
      name: `provider:secrets@${ns}`,
    });
    this.mapping = {
      serviceNamespace: (consumerNs) => this.serviceNamespaces.get(`${ns}/${consumerNs}`),
      consumerNamespaceOf: (serviceNs) =>
        this.serviceNamespaces.list().find((sn) => sn.status?.namespace === serviceNs)?.metadata.name,
    };

    const heartbeat = new Controller({
      name: `heartbeat@${ns}`,
      logger: this.log,
      metrics: opts.metrics,
      reconcile: createHeartbeatReconciler({
        providerNamespace: ns,
        intervalMs: opts.heartbeatIntervalMs,
        clusterBindings: this.clusterBindings,
        clusterBindingClient: clusterBindingsClient(this.client),
        providerSecrets: this.providerSecrets,
        appSecrets: opts.app.kubeconfigSecrets,
        appSecretClient: secretsClient(opts.app.client),
        // In control-plane mode the bindings' Secret is the app cluster's kubeconfig: nothing to copy.
        copyProviderSecret: opts.providerClient === undefined,
        bindings: () => this.bindings(),
        report: (s) => this.setHeartbeat(s),
      }),
    });
    heartbeat.watch(this.clusterBindings, () => clusterBindingName);
    heartbeat.watch(this.providerSecrets, () => clusterBindingName);

    const namespaceDeletion = new Controller({
      name: `namespacedeletion@${ns}`,
      logger: this.log,
      metrics: opts.metrics,
      reconcile: createNamespaceDeletionReconciler({
        providerNamespace: ns,
        serviceNamespaces: this.serviceNamespaces,
        serviceNamespaceClient: serviceNamespacesClient(this.client),
        appNamespaces: opts.app.namespaces,
        appNamespaceClient: namespacesClient(opts.app.client),
      }),
    });
    namespaceDeletion.watch(this.serviceNamespaces, (sn) => sn.metadata.name);
    this.detach.push(namespaceDeletion.watch(opts.app.namespaces, (n) => n.metadata.name));

    this.exportController = new Controller({
      name: `exports@${ns}`,
      logger: this.log,
      metrics: opts.metrics,
      reconcile: createExportReconciler({
        providerNamespace: ns,
        exports: this.exports,
        exportClient: exportsClient(this.client),
        appCrds: opts.app.crds,
        bindingNamed: (name) => this.bindings().find((b) => b.metadata.name === name),
        syncers: this.syncers,
        syncerStoppedAt: new Map(),
        startSyncer: (exp, binding) => this.startSyncer(exp, binding),
      }),
    });
    this.exportController.watch(this.exports, (e) => e.metadata.name);
    this.detach.push(this.exportController.watch(opts.app.crds, (c) => c.metadata.name));
    this.detach.push(
      this.exportController.watch(opts.app.bindings, (b) =>
        this.bindingKeys.has(`${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`)
          ? b.metadata.name
          : undefined,
      ),
    );
    this.controllers.push(heartbeat, namespaceDeletion, this.exportController);

    // Service namespaces drive the multi-namespace informers and unblock waiting objects.
    const onServiceNamespace = (sn: ServiceNamespaceObject) => {
      for (const { syncer } of this.syncers.values()) syncer.serviceNamespacesChanged(sn);
    };
    this.serviceNamespaces.addHandlers({
      onAdd: onServiceNamespace,
      onUpdate: (_o, n) => onServiceNamespace(n),
      onDelete: onServiceNamespace,
    });
    // Export events also concern the bindings' Connected condition and CRDs.
    const onExport = () => opts.onStateChange([...this.bindingKeys]);
    this.exports.addHandlers({ onAdd: onExport, onUpdate: onExport, onDelete: onExport });
    this.clusterBindings.addHandlers({ onAdd: onExport, onUpdate: onExport });
  }

  start(): void {
    const signal = this.abort.signal;
    const informers = [this.clusterBindings, this.exports, this.serviceNamespaces, this.providerSecrets];
    for (const i of informers) i.start(signal);
    const timer = setTimeout(() => {
      if (this.informerState.state !== 'synced') {
        this.informerState = { state: 'timedOut', afterMs: this.opts.informerSyncTimeoutMs };
        this.log.warn(
          { timeoutMs: this.opts.informerSyncTimeoutMs },
          'provider informers did not sync in time',
        );
        this.opts.onStateChange([...this.bindingKeys]);
      }
    }, this.opts.informerSyncTimeoutMs);
    void Promise.all(informers.map((i) => i.waitForSync(signal))).then(
      () => {
        clearTimeout(timer);
        this.informerState = { state: 'synced' };
        this.opts.onStateChange([...this.bindingKeys]);
      },
      () => clearTimeout(timer),
    );
    for (const c of this.controllers) this.runs.push(c.run(signal));
  }

  informers(): InformerSyncState {
    return this.informerState;
  }

  heartbeatState(): HeartbeatState {
    return this.heartbeat;
  }

  prettyName(): string | undefined {
    return this.clusterBindings.get(`${this.providerNamespace}/${clusterBindingName}`)?.spec
      .providerPrettyName;
  }

  private setHeartbeat(s: HeartbeatState): void {
    const changed = JSON.stringify(s) !== JSON.stringify(this.heartbeat);
    this.heartbeat = s;
    if (changed) this.opts.onStateChange([...this.bindingKeys]);
  }

  /** The bindings this connection serves, from the app-cluster cache. */
  bindings(): BindingObject[] {
    return [...this.bindingKeys]
      .sort()
      .map((k) => this.opts.app.bindings.get(k))
      .filter((b): b is BindingObject => b !== undefined);
  }

  /** A binding joined or left: its export may need a syncer (or none any more). */
  bindingsChanged(names: Iterable<string>): void {
    for (const n of names) this.exportController.enqueue(n);
  }

  syncCrd(binding: BindingObject, signal: AbortSignal): Promise<ConnectedState> {
    return syncBindingCrd(
      binding,
      {
        providerNamespace: this.providerNamespace,
        exports: this.exports,
        crds: crdsClient(this.opts.app.client),
      },
      signal,
    );
  }

  private async startSyncer(exp: ExportObject, binding: BindingObject): Promise<ExportSyncer> {
    if (exp.spec.scope === 'Cluster' && this.providerNamespaceUid === undefined) {
      const ns = await namespacesClient(this.client).get(this.providerNamespace, {
        signal: this.abort.signal,
      });
      this.providerNamespaceUid = ns.metadata.uid;
    }
    const syncer = new ExportSyncer({
      export: exp,
      claims: acceptedClaims(binding.spec.permissionClaims),
      appClient: this.opts.app.client,
      claimedObjects: this.opts.app.claimedObjects,
      providerClient: this.client,
      providerNamespace: this.providerNamespace,
      ...(this.providerNamespaceUid !== undefined ? { providerNamespaceUid: this.providerNamespaceUid } : {}),
      mapping: this.mapping,
      logger: this.log,
      metrics: this.opts.metrics,
      serviceNamespaces: () =>
        this.serviceNamespaces
          .list()
          .map((sn) => sn.status?.namespace)
          .filter((n): n is string => !!n),
    });
    syncer.start();
    return syncer;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const d of this.detach) d();
    await Promise.allSettled(this.runs);
    await Promise.allSettled([...this.syncers.values()].map((s) => s.syncer.stop()));
    this.syncers.clear();
    await Promise.allSettled(
      [this.clusterBindings, this.exports, this.serviceNamespaces, this.providerSecrets].map((i) => i.stop()),
    );
    if (!this.opts.providerClient) await this.client.close();
  }
}
