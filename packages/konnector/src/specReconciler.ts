import {
  addFinalizer,
  createMergePatch,
  isAlreadyExists,
  isBeingDeleted,
  isNotFound,
  removeFinalizer,
  splitObjectKey,
} from '@klutch/kube';
import type { ReconcileContext, ReconcileOutcome } from '@klutch/kube';
import { boundAnnotation, fieldManager, syncerFinalizer } from './konnectorNames.js';
import { specInSync, upstreamCopyForCreate, upstreamSpecApply } from './objectCopies.js';
import { upstreamTargetOf, type SyncContext } from './syncContext.js';

const serviceNamespaceRetryMs = 1000;

/**
 * Spec sync, keyed by the downstream (app cluster) object: creates the upstream copy after
 * putting the syncer finalizer on the downstream object, keeps the upstream spec equal to the
 * downstream spec, and carries deletions upstream before letting the downstream object go.
 */
export function createSpecReconciler(ctx: SyncContext) {
  return async (key: string, { signal, logger }: ReconcileContext): Promise<ReconcileOutcome | void> => {
    let down = ctx.downInformer.get(key);
    if (!down) return;
    if (!ctx.clusterScoped) {
      const consumerNs = splitObjectKey(key).namespace ?? '';
      const sn = ctx.mapping.serviceNamespace(consumerNs);
      if (!sn) {
        if (isBeingDeleted(down)) {
          // Nothing can exist upstream without a service namespace.
          await removeFinalizer(ctx.downstream, down, syncerFinalizer, signal);
          return;
        }
        try {
          await ctx.serviceNamespaces.create(
            {
              apiVersion: 'klutch.anynines.com/v1alpha1',
              kind: 'APIServiceNamespace',
              metadata: { name: consumerNs, namespace: ctx.providerNamespace },
              spec: {},
            },
            { signal },
          );
          logger.info({ namespace: consumerNs }, 'requested a service namespace');
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
        }
        return { requeueAfterMs: serviceNamespaceRetryMs };
      }
      if (!sn.status?.namespace) return { requeueAfterMs: serviceNamespaceRetryMs };
    }
    const target = upstreamTargetOf(ctx, down);
    if (!target) return { requeueAfterMs: serviceNamespaceRetryMs };
    const up = await ctx.upstream.tryGet(target.name, { namespace: target.namespace, signal });

    if (!up) {
      if (isBeingDeleted(down)) {
        await removeFinalizer(ctx.downstream, down, syncerFinalizer, signal);
        return;
      }
      // The finalizer first: a downstream deletion can then never leave an orphan upstream.
      down = await addFinalizer(ctx.downstream, down, syncerFinalizer, signal);
      const owner =
        ctx.clusterScoped && ctx.providerNamespaceUid
          ? { providerNamespace: ctx.providerNamespace, providerNamespaceUid: ctx.providerNamespaceUid }
          : undefined;
      try {
        await ctx.upstream.create(upstreamCopyForCreate(down, target, owner), { signal, fieldManager });
        logger.debug({ upstream: target }, 'created upstream object');
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        return { requeue: true };
      }
      return;
    }

    if (isBeingDeleted(down)) {
      if (!isBeingDeleted(up)) {
        try {
          await ctx.upstream.delete(target.name, {
            namespace: target.namespace,
            preconditions: { uid: up.metadata.uid },
            signal,
          });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      // Wait until the provider really deleted it (it may run its own finalizers); upstream
      // events re-trigger this key, the periodic requeue guards against a missed one.
      const still = await ctx.upstream.tryGet(target.name, { namespace: target.namespace, signal });
      if (still && still.metadata.uid === up.metadata.uid) return { requeueAfterMs: 5000 };
      await removeFinalizer(ctx.downstream, down, syncerFinalizer, signal);
      return;
    }

    if (isBeingDeleted(up)) return { requeueAfterMs: 2000 }; // recreated once it is gone
    down = await addFinalizer(ctx.downstream, down, syncerFinalizer, signal);
    if (specInSync(down, up) && up.metadata.annotations?.[boundAnnotation] === 'true') return;
    const applied = await ctx.upstream.apply(upstreamSpecApply(down, target), {
      fieldManager,
      force: true,
      signal,
    });
    if (!specInSync(down, applied)) {
      // Fields another manager added are not removed by our apply: drop them explicitly.
      const patched = await ctx.upstream.patch(
        target.name,
        {
          metadata: { resourceVersion: applied.metadata.resourceVersion },
          spec: createMergePatch(applied.spec ?? {}, down.spec ?? {}) ?? {},
        },
        'merge',
        { namespace: target.namespace, signal },
      );
      if (!specInSync(down, patched)) {
        // The provider's schema dropped fields (pruning, or it is not serving the new schema yet):
        // nothing else would wake this key up, so look again later.
        logger.warn({ upstream: target }, 'upstream spec still differs after the update; retrying');
        return { requeueAfterMs: 5000 };
      }
    }
    logger.debug({ upstream: target }, 'updated upstream spec');
  };
}
