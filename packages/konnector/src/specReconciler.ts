import {
  addFinalizer,
  createMergePatch,
  isAlreadyExists,
  isBeingDeleted,
  isNotFound,
  removeFinalizer,
  splitObjectKey,
} from '@klutch/kube';
import type { KubeObject, ReconcileContext, ReconcileOutcome } from '@klutch/kube';
import { boundAnnotation, fieldManager, syncerFinalizer } from './konnectorNames.js';
import { specInSync, upstreamCopyForCreate, upstreamSpecApply, type CopyTarget } from './objectCopies.js';
import { keyOf, upstreamTargetOf, type SyncContext } from './syncContext.js';

const serviceNamespaceRetryMs = 1000;
const pendingWriteRecheckMs = 30_000;

/**
 * Spec sync, keyed by the downstream (app cluster) object: creates the upstream copy together
 * with putting the syncer finalizer on the downstream object, keeps the upstream spec equal to
 * the downstream spec, and carries deletions upstream before letting the downstream object go.
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
    const targetKey = keyOf(target);
    // The provider-side cache answers most reconciles without a request; the spec sync's own
    // writes that the cache has not shown yet come from upstreamWrites, so an object just created
    // is not created again. A deletion reads live: removing the finalizer on a stale "absent"
    // would leave an orphan upstream.
    const fromCache = !isBeingDeleted(down) && ctx.upInformers.hasSyncedFor(targetKey);
    const up = fromCache
      ? ctx.upstreamWrites.get(targetKey, ctx.upInformers.get(targetKey))
      : await ctx.upstream.tryGet(target.name, { namespace: target.namespace, signal });

    if (!up) {
      if (isBeingDeleted(down)) {
        await removeFinalizer(ctx.downstream, down, syncerFinalizer, signal);
        return;
      }
      const owner =
        ctx.clusterScoped && ctx.providerNamespaceUid
          ? { providerNamespace: ctx.providerNamespace, providerNamespaceUid: ctx.providerNamespaceUid }
          : undefined;
      // The finalizer and the upstream copy are written at the same time: one round trip per new
      // object instead of two. If the app object vanished before it got the finalizer, the copy
      // is deleted again right here (and the upstream reconciler deletes any bound copy whose app
      // object is gone, should this process die in between).
      const [finalized, created] = await Promise.allSettled([
        addFinalizer(ctx.downstream, down, syncerFinalizer, signal),
        ctx.upstream.create(upstreamCopyForCreate(down, target, owner), { signal, fieldManager }),
      ]);
      if (created.status === 'fulfilled') {
        ctx.upstreamWrites.record(targetKey, created.value);
        logger.debug({ upstream: target }, 'created upstream object');
      }
      if (finalized.status === 'rejected') {
        if (created.status === 'fulfilled' && isNotFound(finalized.reason)) {
          await deleteCopy(ctx, target, created.value, signal);
          return;
        }
        throw finalized.reason;
      }
      if (created.status === 'rejected') {
        if (!isAlreadyExists(created.reason)) throw created.reason;
        return { requeue: true }; // the cache was behind: decide again on what exists
      }
      return;
    }

    if (isBeingDeleted(down)) {
      if (!isBeingDeleted(up)) await deleteCopy(ctx, target, up, signal);
      // Wait until the provider really deleted it (it may run its own finalizers); upstream
      // events re-trigger this key, the periodic requeue guards against a missed one.
      const still = await ctx.upstream.tryGet(target.name, { namespace: target.namespace, signal });
      if (still && still.metadata.uid === up.metadata.uid) return { requeueAfterMs: 5000 };
      await removeFinalizer(ctx.downstream, down, syncerFinalizer, signal);
      return;
    }

    if (isBeingDeleted(up)) return { requeueAfterMs: 2000 }; // recreated once it is gone
    down = await addFinalizer(ctx.downstream, down, syncerFinalizer, signal);
    if (specInSync(down, up) && up.metadata.annotations?.[boundAnnotation] === 'true') {
      // Answered from an own write: look once more after the cache caught up, in case the
      // object changed upstream in a way no event will report (a relist that skipped it).
      return ctx.upstreamWrites.pending(targetKey) ? { requeueAfterMs: pendingWriteRecheckMs } : undefined;
    }
    const applied = await ctx.upstream.apply(upstreamSpecApply(down, target), {
      fieldManager,
      force: true,
      signal,
    });
    ctx.upstreamWrites.record(targetKey, applied);
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
      ctx.upstreamWrites.record(targetKey, patched);
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

/** Deletes the upstream copy `up` (and no later incarnation of it). */
async function deleteCopy(ctx: SyncContext, target: CopyTarget, up: KubeObject, signal: AbortSignal) {
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
