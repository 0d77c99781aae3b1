import type { AcceptablePermissionClaim } from '@klutch/api';
import {
  Controller,
  EventRecorder,
  Informer,
  InformerSet,
  MutationCache,
  objectKey,
  ResourceClient,
} from '@klutch/kube';
import type { KubeClient, KubeObject, Logger, RuntimeMetrics } from '@klutch/kube';
import { isClaimed } from './claimOwnership.js';
import type { ClaimedObjectCaches } from './claimedObjectCaches.js';
import { createClaimReconciler } from './claimReconciler.js';
import { syncVersion } from './exportToCrd.js';
import { konnectorComponent } from './konnectorNames.js';
import type { ExportObject, ServiceNamespaceObject } from './konnectorObjects.js';
import { serviceNamespacesClient } from './konnectorClients.js';
import { createSpecReconciler } from './specReconciler.js';
import { downstreamKeyOf, type NamespaceMapping, type SyncContext } from './syncContext.js';
import { createUpstreamReconciler } from './upstreamReconciler.js';

export interface ExportSyncerOptions {
  export: ExportObject;
  claims: AcceptablePermissionClaim[];
  appClient: KubeClient;
  /** The session's shared app-cluster caches of claimed resources. */
  claimedObjects: ClaimedObjectCaches;
  providerClient: KubeClient;
  providerNamespace: string;
  providerNamespaceUid?: string;
  mapping: NamespaceMapping;
  logger: Logger;
  metrics?: RuntimeMetrics;
  /** Service namespaces currently ready (status.namespace set). */
  serviceNamespaces: () => string[];
  workers?: number;
}

/** Whether objects of this export are watched cluster-wide on the provider. */
export function clusterWideProviderInformer(exp: ExportObject): boolean {
  return exp.spec.scope === 'Cluster' || exp.spec.informerScope === 'Cluster';
}

/**
 * Syncs the objects of one export between the app cluster and the provider, plus the claimed
 * objects of the binding's accepted permission claims. Started and stopped at runtime by the
 * export controller; stop() ends every informer and controller it started.
 */
export class ExportSyncer {
  private readonly abort = new AbortController();
  private readonly runs: Promise<void>[] = [];
  /** Provider-side caches; the namespaced ones follow the service namespaces. */
  private readonly upstreamCaches: Array<{ set: InformerSet; clusterWide: boolean }> = [];
  private readonly informers: Informer[] = [];
  private readonly detach: Array<() => void> = [];
  private main: { spec: Controller; downInformer: Informer } | undefined;
  private readonly claims: Array<{ controller: Controller; downInformer: Informer }> = [];
  private readonly releases: Array<() => void> = [];

  constructor(private readonly opts: ExportSyncerOptions) {}

  start(): void {
    const { opts } = this;
    const exp = opts.export;
    const version = syncVersion(exp);
    if (!version) throw new Error(`APIServiceExport ${exp.metadata.name ?? ''} serves no version`);
    const namespaced = exp.spec.scope === 'Namespaced';
    const gvr = { group: exp.spec.group, version, resource: exp.spec.names.plural, namespaced };
    const logger = opts.logger.child({ export: exp.metadata.name });
    const signal = this.abort.signal;
    const { downstream, upstream, upInformers } = this.caches(
      gvr,
      gvr.resource,
      clusterWideProviderInformer(exp),
      logger,
    );
    const downInformer = new Informer({
      resource: downstream,
      logger,
      metrics: opts.metrics,
      name: `app:${gvr.resource}`,
    });
    this.informers.push(downInformer);
    const served = exp.spec.versions.find((v) => v.name === version);
    const ctx: SyncContext = {
      exportName: exp.metadata.name ?? '',
      providerNamespace: opts.providerNamespace,
      ...(opts.providerNamespaceUid !== undefined ? { providerNamespaceUid: opts.providerNamespaceUid } : {}),
      clusterScoped: !namespaced,
      statusSubresource: served?.subresources?.status !== undefined,
      downstream,
      upstream,
      downInformer,
      upInformers,
      upstreamWrites: new MutationCache(),
      mapping: opts.mapping,
      serviceNamespaces: serviceNamespacesClient(opts.providerClient),
      events: new EventRecorder({ client: opts.appClient, component: konnectorComponent, logger }),
      controllers: {},
    };
    const workers = opts.workers ?? 2;
    const spec = new Controller({
      name: `spec:${ctx.exportName}`,
      reconcile: createSpecReconciler(ctx),
      logger,
      metrics: opts.metrics,
      workers,
    });
    const up = new Controller({
      name: `status:${ctx.exportName}`,
      reconcile: createUpstreamReconciler(ctx),
      logger,
      metrics: opts.metrics,
      workers,
    });
    ctx.controllers.spec = spec;
    ctx.controllers.upstream = up;
    this.main = { spec, downInformer };
    spec.watch(downInformer);
    downInformer.start(signal);
    this.runs.push(spec.run(signal), up.run(signal));
    // The upstream caches change at runtime, so they feed the queues through handlers.
    const onUpstream = (obj: KubeObject) => {
      const key = objectKey(obj);
      ctx.upstreamWrites.observed(key, obj);
      up.enqueue(key);
      const downKey = downstreamKeyOf(ctx, key, obj);
      if (downKey !== undefined) spec.enqueue(downKey);
    };
    this.detach.push(
      upInformers.addHandlers({
        onAdd: onUpstream,
        onUpdate: (_o, n) => onUpstream(n),
        onDelete: onUpstream,
      }),
    );

    for (const claim of opts.claims) this.startClaim(claim, logger, signal);
  }

  private startClaim(claim: AcceptablePermissionClaim, parent: Logger, signal: AbortSignal): void {
    const { opts } = this;
    const gvr = {
      group: claim.group ?? '',
      version: claim.version,
      resource: claim.resource,
      namespaced: true,
    };
    const name = `claim:${gvr.group || 'core'}/${gvr.resource}:${opts.export.metadata.name ?? ''}`;
    const logger = parent.child({ claim: `${gvr.resource}.${gvr.group}` });
    // Claimed objects only ever live in service namespaces, whatever the selector says.
    const { downstream, upstream, upInformers } = this.caches(gvr, name, false, logger);
    const shared = opts.claimedObjects.acquire(gvr);
    this.releases.push(shared.release);
    const downInformer = shared.informer;
    const controller = new Controller({
      name,
      reconcile: createClaimReconciler({ claim, downstream, upstream, mapping: opts.mapping }),
      logger,
      metrics: opts.metrics,
      workers: 1,
    });
    this.detach.push(
      controller.watch(downInformer, (obj) => {
        if (!isClaimed(claim, obj)) return undefined;
        const serviceNs = opts.mapping.serviceNamespace(obj.metadata.namespace ?? '')?.status?.namespace;
        return serviceNs ? `${serviceNs}/${obj.metadata.name ?? ''}` : undefined;
      }),
    );
    this.runs.push(controller.run(signal));
    const onUpstream = (obj: KubeObject) => controller.enqueue(objectKey(obj));
    this.detach.push(
      upInformers.addHandlers({
        onAdd: onUpstream,
        onUpdate: (_o, n) => onUpstream(n),
        onDelete: onUpstream,
      }),
    );
    this.claims.push({ controller, downInformer });
  }

  /** Clients of one resource on both sides and its provider-side cache; stop() ends the cache. */
  private caches(
    gvr: { group: string; version: string; resource: string; namespaced: boolean },
    name: string,
    clusterWide: boolean,
    logger: Logger,
  ) {
    const { opts } = this;
    const downstream = new ResourceClient(opts.appClient, gvr);
    const upstream = new ResourceClient(opts.providerClient, gvr);
    // In Namespaced consumer scope the consumer's RBAC allows only its service namespaces.
    const upInformers = InformerSet.byNamespace({
      resource: upstream,
      logger,
      metrics: opts.metrics,
      name: `provider:${name}`,
      signal: this.abort.signal,
    });
    upInformers.setKeys(clusterWide ? [''] : opts.serviceNamespaces());
    this.upstreamCaches.push({ set: upInformers, clusterWide });
    return { downstream, upstream, upInformers };
  }

  /** The service namespaces changed: follow them, and re-check every object of that namespace. */
  serviceNamespacesChanged(sn: ServiceNamespaceObject | undefined): void {
    const namespaces = this.opts.serviceNamespaces();
    for (const c of this.upstreamCaches) if (!c.clusterWide) c.set.setKeys(namespaces);
    const consumerNs = sn?.metadata.name;
    if (!consumerNs) return;
    if (this.main)
      for (const obj of this.main.downInformer.list(consumerNs)) this.main.spec.enqueue(objectKey(obj));
    const serviceNs = sn.status?.namespace;
    if (!serviceNs) return;
    for (const c of this.claims)
      for (const obj of c.downInformer.list(consumerNs))
        c.controller.enqueue(`${serviceNs}/${obj.metadata.name ?? ''}`);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const d of this.detach) d();
    await Promise.allSettled(this.runs);
    for (const release of this.releases.splice(0)) release();
    await Promise.all([
      ...this.informers.map((i) => i.stop()),
      ...this.upstreamCaches.map((c) => c.set.stop()),
    ]);
  }
}
