import { splitObjectKey } from '@klutch/kube';
import type {
  Controller,
  EventRecorder,
  Informer,
  InformerSet,
  KubeObject,
  MutationCache,
  ResourceClient,
} from '@klutch/kube';
import { beheadClusterName, downstreamNameAnnotation, prependClusterName } from './konnectorNames.js';
import type { ServiceNamespaceObject } from './konnectorObjects.js';
import type { CopyTarget } from './objectCopies.js';

/** Consumer namespace <-> service namespace, from the provider's APIServiceNamespaces. */
export interface NamespaceMapping {
  serviceNamespace(consumerNamespace: string): ServiceNamespaceObject | undefined;
  consumerNamespaceOf(serviceNamespace: string): string | undefined;
}

/** Everything the per-export reconcilers share. */
export interface SyncContext {
  exportName: string;
  providerNamespace: string;
  /** Set for cluster-scoped resources (Prefixed isolation). */
  providerNamespaceUid?: string;
  clusterScoped: boolean;
  /** Whether the synced version has a status subresource (status is then written via /status). */
  statusSubresource: boolean;
  downstream: ResourceClient;
  upstream: ResourceClient;
  downInformer: Informer;
  upInformers: InformerSet;
  /** Upstream writes of the spec sync that the provider-side cache may not show yet. */
  upstreamWrites: MutationCache;
  mapping: NamespaceMapping;
  serviceNamespaces: ResourceClient<ServiceNamespaceObject>;
  /** Events on app-cluster objects (the provider's Events never reach the app cluster). */
  events: EventRecorder;
  /** Filled in once the controllers exist; reconcilers poke each other through them. */
  controllers: { spec?: Controller; upstream?: Controller };
}

/**
 * The downstream key of an upstream object, or undefined when it is not this consumer's. `up` is
 * the upstream object when known (a capped cluster-scoped name maps back only through it).
 */
export function downstreamKeyOf(ctx: SyncContext, upstreamKey: string, up?: KubeObject): string | undefined {
  const { namespace, name } = splitObjectKey(upstreamKey);
  if (ctx.clusterScoped) {
    const known = up ?? ctx.upInformers.get(upstreamKey);
    return beheadClusterName(
      ctx.providerNamespace,
      name,
      known?.metadata.annotations?.[downstreamNameAnnotation],
    );
  }
  if (!namespace) return undefined;
  const consumerNs = ctx.mapping.consumerNamespaceOf(namespace);
  return consumerNs ? `${consumerNs}/${name}` : undefined;
}

/** Where a downstream object lives upstream; undefined while its service namespace is not ready. */
export function upstreamTargetOf(
  ctx: SyncContext,
  downstream: KubeObject | { metadata: { name?: string; namespace?: string } },
): CopyTarget | undefined {
  const name = downstream.metadata.name ?? '';
  if (ctx.clusterScoped) return { name: prependClusterName(ctx.providerNamespace, name) };
  const consumerNs = downstream.metadata.namespace ?? '';
  const serviceNs = ctx.mapping.serviceNamespace(consumerNs)?.status?.namespace;
  return serviceNs ? { name, namespace: serviceNs } : undefined;
}

export function keyOf(target: CopyTarget): string {
  return target.namespace ? `${target.namespace}/${target.name}` : target.name;
}
