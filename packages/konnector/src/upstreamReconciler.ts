import { deepEqual, isAlreadyExists, isBeingDeleted, isNotFound, splitObjectKey } from '@klutch/kube';
import type { ReconcileContext, ReconcileOutcome } from '@klutch/kube';
import { boundAnnotation } from './konnectorNames.js';
import { downstreamCopyForAdopt } from './objectCopies.js';
import { newStatusWarnings } from './statusWarnings.js';
import { downstreamKeyOf, type SyncContext } from './syncContext.js';

/**
 * Keyed by the upstream (provider) object: copies its status down, deletes upstream objects whose
 * downstream object is gone (deletions missed while the konnector was down), and adopts objects
 * the provider created itself (no `bound` annotation) by creating them downstream. A failure
 * that appears in the status copied down is also recorded as a Warning Event on the app object.
 */
export function createUpstreamReconciler(ctx: SyncContext) {
  return async (key: string, { signal, logger }: ReconcileContext): Promise<ReconcileOutcome | void> => {
    const downKey = downstreamKeyOf(ctx, key);
    if (downKey === undefined) return; // another consumer's object, or an unmapped namespace
    const up = ctx.upInformers.get(key);
    if (!up) {
      // The spec sync recreates it, or finishes a pending downstream deletion.
      ctx.controllers.spec?.enqueue(downKey);
      return;
    }
    const { namespace: downNs, name: downName } = splitObjectKey(downKey);
    let down = ctx.downInformer.get(downKey);
    // Never act on a cache miss alone: the downstream object may just not be seen yet.
    down ??= await ctx.downstream.tryGet(downName, { namespace: downNs, signal });
    if (!down) {
      if (isBeingDeleted(up)) return;
      const upName = up.metadata.name ?? '';
      const upNs = up.metadata.namespace;
      if (up.metadata.annotations?.[boundAnnotation] === 'true') {
        try {
          await ctx.upstream.delete(upName, {
            namespace: upNs,
            preconditions: { uid: up.metadata.uid },
            signal,
          });
          logger.info({ upstream: key }, 'deleted upstream object whose app-cluster object is gone');
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        return;
      }
      try {
        await ctx.downstream.create(downstreamCopyForAdopt(up, { name: downName, namespace: downNs }), {
          signal,
        });
        logger.info({ upstream: key }, 'adopted provider-created object into the app cluster');
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      return { requeue: true }; // copy the status next
    }
    if (isBeingDeleted(down)) return;
    const upStatus = up.status;
    if (deepEqual(down.status, upStatus)) return;
    const next = { ...down, status: upStatus };
    if (upStatus === undefined) delete next.status;
    await ctx.downstream.update(next, ctx.statusSubresource ? { subresource: 'status', signal } : { signal });
    logger.debug({ downstream: downKey }, 'copied status down');
    for (const w of newStatusWarnings(down.status, upStatus))
      await ctx.events.warning(down, w.reason, w.message);
  };
}
