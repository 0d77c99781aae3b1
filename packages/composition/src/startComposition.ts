import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dataServicesGroup, dataServicesVersion, providerGroup, providerVersion } from '@klutch/api';
import {
  Controller,
  EventRecorder,
  Informer,
  KubeClient,
  LeaderElector,
  ResourceClient,
  RuntimeMetrics,
  cachesSynced,
  startObservabilityServer,
} from '@klutch/kube';
import type { KubeObject, Logger } from '@klutch/kube';
import { credentialsSecretLabel } from './bindingCredentials.js';
import {
  bindingKeyOfConnectionSecret,
  bindingKeyOfCredentialsSecret,
  claimKeyOfManagedResource,
  referrersOf,
} from './claimEventMapping.js';
import { compositionFieldManager, createClaimReconciler } from './claimReconciler.js';
import type { Claim, ManagedResource, Secret } from './composedObjects.js';
import { compositionKinds } from './compositionKinds.js';
import { ensureNamespace } from './connectionSecretNamespace.js';
import { CredentialsPublisher } from './credentialsPublisher.js';

export const defaultConnectionSecretNamespace = 'klutch-system';
export const compositionComponent = 'klutch-composition';

export interface LeaderElectionSettings {
  /** Namespace of the Lease (default: the connection-secret namespace). */
  namespace?: string;
  /** Unique per process (default: host name and a random id). */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface CompositionOptions {
  /** A client to use; otherwise one is built from `kubeconfigPath` (or $KUBECONFIG / in-cluster). */
  client?: KubeClient;
  kubeconfigPath?: string;
  logger: Logger;
  /** Everything stops when it aborts. */
  signal: AbortSignal;
  /** Where the provider writes connection Secrets (created if missing). Default klutch-system. */
  connectionSecretNamespace?: string;
  /** Parallel reconciles per claim kind. Default 2. */
  workers?: number;
  /** Run the controllers only while holding the Lease `klutch-composition`. */
  leaderElection?: boolean | LeaderElectionSettings;
  /** host:port for /healthz, /readyz and /metrics; none without it. */
  healthAddress?: string;
  metrics?: RuntimeMetrics;
  /**
   * serviceInstanceType → a sentence why the backend does not offer it (the sandbox offers only the
   * services its broker can run). Claims of these types get a Ready=False condition with reason
   * ServiceNotOffered and that message instead of a managed resource.
   */
  unofferedServices?: Readonly<Record<string, string>>;
}

export interface CompositionHandle {
  /** Settles once everything has stopped after the signal aborted. */
  done: Promise<void>;
  /** True once every informer has its first complete list. */
  ready(): boolean;
  /** Base URL of the health server, when one was asked for. */
  healthUrl?: string;
  metrics: RuntimeMetrics;
}

/**
 * Starts the composition controller: one controller per claim kind (the eight instance kinds,
 * ServiceBinding, Backup and Restore), sharing informers for claims, managed resources and the
 * Secrets involved.
 */
export async function startComposition(opts: CompositionOptions): Promise<CompositionHandle> {
  const { logger, signal } = opts;
  const ownsClient = opts.client === undefined;
  const client =
    opts.client ??
    KubeClient.from(opts.kubeconfigPath !== undefined ? { file: opts.kubeconfigPath } : {}, {
      userAgent: compositionComponent,
    });
  const connectionSecretNamespace = opts.connectionSecretNamespace ?? defaultConnectionSecretNamespace;
  const metrics = opts.metrics ?? new RuntimeMetrics({ processMetrics: true });
  const workers = opts.workers ?? 2;

  try {
    await ensureNamespace(client, connectionSecretNamespace, logger, signal);
  } catch (err) {
    if (ownsClient) await client.close();
    throw err;
  }

  const informers: Informer<KubeObject>[] = [];
  function informer<T extends KubeObject>(
    resource: ResourceClient<T>,
    extra: { namespace?: string; labelSelector?: string; name?: string } = {},
  ): Informer<T> {
    const i = new Informer<T>({ resource, logger, metrics, ...extra });
    informers.push(i as unknown as Informer<KubeObject>);
    return i;
  }

  const claimClients = new Map<string, ResourceClient<Claim>>();
  const claimInformers = new Map<string, Informer<Claim>>();
  const managedClients = new Map<string, ResourceClient<ManagedResource>>();
  const managedInformers = new Map<string, Informer<ManagedResource>>();
  for (const composition of compositionKinds) {
    const claims = new ResourceClient<Claim>(client, {
      group: dataServicesGroup,
      version: dataServicesVersion,
      resource: composition.claim.plural,
      namespaced: true,
    });
    claimClients.set(composition.claim.kind, claims);
    claimInformers.set(
      composition.claim.kind,
      informer(claims, { name: `${composition.claim.plural}.${dataServicesGroup}` }),
    );
    if (!managedClients.has(composition.managed.kind)) {
      const managed = new ResourceClient<ManagedResource>(client, {
        group: providerGroup,
        version: providerVersion,
        resource: composition.managed.plural,
        namespaced: false,
      });
      managedClients.set(composition.managed.kind, managed);
      managedInformers.set(
        composition.managed.kind,
        informer(managed, { name: `${composition.managed.plural}.${providerGroup}` }),
      );
    }
  }
  const secrets = new ResourceClient<Secret>(client, {
    group: '',
    version: 'v1',
    resource: 'secrets',
    namespaced: true,
  });
  const connectionSecrets = informer(secrets, {
    namespace: connectionSecretNamespace,
    name: 'connection-secrets',
  });
  const credentialsSecrets = informer(secrets, {
    labelSelector: `${credentialsSecretLabel}=true`,
    name: 'credentials-secrets',
  });

  const events = new EventRecorder({ client, component: compositionComponent, instance: hostname(), logger });
  const credentials = new CredentialsPublisher({
    secrets,
    connectionSecrets,
    credentialsSecrets,
    connectionSecretNamespace,
    fieldManager: compositionFieldManager,
  });

  const controllers: Controller[] = [];
  for (const composition of compositionKinds) {
    const claims = claimClients.get(composition.claim.kind);
    const claimInformer = claimInformers.get(composition.claim.kind);
    const managed = managedClients.get(composition.managed.kind);
    const managedInformer = managedInformers.get(composition.managed.kind);
    if (!claims || !claimInformer || !managed || !managedInformer)
      throw new Error(`incomplete wiring for ${composition.claim.kind}`);
    const controller = new Controller({
      name: composition.claim.kind,
      logger,
      metrics,
      workers,
      reconcile: createClaimReconciler({
        composition,
        claims,
        claimInformer,
        managed,
        managedInformer,
        claimInformers,
        ...(composition.publishesCredentials ? { credentials } : {}),
        events,
        settings: {
          connectionSecretNamespace,
          ...(opts.unofferedServices ? { unofferedServices: opts.unofferedServices } : {}),
        },
      }),
    });
    controller.watch(claimInformer);
    controller.watch(managedInformer, claimKeyOfManagedResource(composition));
    for (const targetKind of composition.referencedKinds) {
      const target = claimInformers.get(targetKind);
      if (target) controller.watch(target, referrersOf(composition, targetKind, claimInformer));
    }
    if (composition.publishesCredentials) {
      controller.watch(connectionSecrets, bindingKeyOfConnectionSecret(managedInformer));
      controller.watch(credentialsSecrets, bindingKeyOfCredentialsSecret);
    }
    controllers.push(controller);
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

  const runControllers = async (until: AbortSignal) => {
    await Promise.all(controllers.map((c) => c.run(until)));
  };

  const run = async () => {
    if (opts.leaderElection) {
      const le = opts.leaderElection === true ? {} : opts.leaderElection;
      const elector = new LeaderElector({
        client,
        namespace: le.namespace ?? connectionSecretNamespace,
        name: compositionComponent,
        identity: le.identity ?? `${hostname()}_${randomUUID()}`,
        logger,
        metrics,
        ...(le.leaseDurationMs !== undefined ? { leaseDurationMs: le.leaseDurationMs } : {}),
        ...(le.renewDeadlineMs !== undefined ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
        ...(le.retryPeriodMs !== undefined ? { retryPeriodMs: le.retryPeriodMs } : {}),
        onStartedLeading: (leadership) => runControllers(leadership),
      });
      await elector.run(signal);
    } else {
      await runControllers(signal);
    }
  };

  const done = run().finally(async () => {
    await Promise.all(informers.map((i) => i.stop()));
    await health?.close();
    if (ownsClient) await client.close();
    logger.info('composition stopped');
  });
  logger.info({ connectionSecretNamespace, workers, kinds: compositionKinds.length }, 'composition started');
  return { done, ready, metrics, ...(health ? { healthUrl: health.url } : {}) };
}
