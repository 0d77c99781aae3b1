import { providerConfigUsageLabel } from '@klutch/api';
import { addFinalizer, isNotFound, removeFinalizer } from '@klutch/kube';
import type { EventRecorder, Informer, KubeObject, Reconciler, ResourceClient } from '@klutch/kube';
import type { ProviderConfigObject, ProviderConfigUsageObject } from './managedResources.js';
import { writeStatus } from './objectWrites.js';
import {
  desiredUsage,
  inUseFinalizer,
  inUseStep,
  staleUsages,
  usageUpToDate,
  usersOf,
} from './providerConfigUsage.js';
import type { UsingResource } from './providerConfigUsage.js';

const fieldManager = 'klutch-provider';

type ManagedObject = KubeObject & { spec?: { providerConfigRef?: { name?: string } } };

export interface UsageTrackerDeps {
  usages: ResourceClient<ProviderConfigUsageObject>;
  usageInformer: Informer<ProviderConfigUsageObject>;
}

/**
 * Keeps one ProviderConfigUsage per managed resource of a kind (keyed by the resource name), as
 * Crossplane's usage tracker does: created or updated while the resource exists, including while
 * it is being deleted at the backend, and removed when the resource is gone (also done by the
 * garbage collector through the owner reference; doing it here does not depend on it).
 */
export function providerConfigUsageReconciler<T extends ManagedObject>(
  deps: UsageTrackerDeps,
  managed: { apiVersion: string; kind: string; informer: Informer<T> },
): Reconciler {
  return async (name, { signal, logger }) => {
    const cached = managed.informer.get(name);
    const mr: UsingResource | undefined = cached
      ? { ...cached, apiVersion: managed.apiVersion, kind: managed.kind }
      : undefined;
    for (const stale of staleUsages(deps.usageInformer.list(), managed.kind, name, mr)) {
      try {
        await deps.usages.delete(stale.metadata.name ?? '', {
          preconditions: { uid: stale.metadata.uid },
          signal,
        });
        logger.info({ usage: stale.metadata.name }, 'deleted the ProviderConfigUsage of a removed resource');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    if (!mr) return;
    const desired = desiredUsage(mr);
    if (!desired) return;
    if (usageUpToDate(deps.usageInformer.get(desired.metadata.name ?? ''), desired)) return;
    await deps.usages.apply(desired, { fieldManager, force: true, signal });
    logger.info(
      { usage: desired.metadata.name, providerConfig: desired.providerConfigRef.name },
      'ProviderConfigUsage written',
    );
  };
}

/** Keys of the managed resources of `kind` that a usage event concerns. */
export function managedKeysOfUsage(kind: string): (u: ProviderConfigUsageObject) => string[] {
  return (u) => (u.resourceRef.kind === kind ? [u.resourceRef.name] : []);
}

/** The ProviderConfig a usage event concerns. */
export function providerConfigKeysOfUsage(u: ProviderConfigUsageObject): string[] {
  const name = u.metadata.labels?.[providerConfigUsageLabel];
  return name ? [name] : [];
}

export interface InUseDeps {
  providerConfigs: ResourceClient<ProviderConfigObject>;
  providerConfigInformer: Informer<ProviderConfigObject>;
  usageInformer: Informer<ProviderConfigUsageObject>;
  events: EventRecorder;
}

/**
 * The in-use protection of ProviderConfigs (Crossplane's providerconfig reconciler): the finalizer
 * in-use.crossplane.io stays while any ProviderConfigUsage names the ProviderConfig, so that
 * deleting it cannot strand managed resources whose backend objects still need deleting;
 * status.users counts the usages.
 */
export function providerConfigInUseReconciler(deps: InUseDeps): Reconciler {
  return async (name, { signal, logger }) => {
    const pc = deps.providerConfigInformer.get(name);
    if (!pc) return;
    const users = usersOf(deps.usageInformer.list(), name);
    const step = inUseStep(pc, users);
    if (step.action === 'addFinalizer') {
      await addFinalizer(deps.providerConfigs, pc, inUseFinalizer, signal);
      return;
    }
    if (step.action === 'removeFinalizer') {
      await removeFinalizer(deps.providerConfigs, pc, inUseFinalizer, signal);
      logger.info('ProviderConfig no longer in use; deletion continues');
      return;
    }
    if (step.action === 'blockDeletion') {
      logger.info({ users }, step.message);
      await deps.events.warning(pc, 'DeletionBlocked', step.message);
    }
    if (pc.status?.users !== users)
      await writeStatus<ProviderConfigObject>(deps.providerConfigs, pc, { ...pc.status, users }, signal);
  };
}
