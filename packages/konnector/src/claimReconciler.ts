import type { AcceptablePermissionClaim } from '@klutch/api';
import { isAlreadyExists, isBeingDeleted, isNotFound, splitObjectKey } from '@klutch/kube';
import type { KubeObject, ReconcileContext, ReconcileOutcome, ResourceClient } from '@klutch/kube';
import { isClaimed, resolveClaimOwner } from './claimOwnership.js';
import { resourceOwnerAnnotation } from './konnectorNames.js';
import { claimedCopy, claimedCopyDiffers, type CopyTarget } from './objectCopies.js';
import type { NamespaceMapping } from './syncContext.js';

export interface ClaimContext {
  claim: AcceptablePermissionClaim;
  downstream: ResourceClient;
  upstream: ResourceClient;
  mapping: NamespaceMapping;
}

/**
 * Claimed objects (Secrets, ConfigMaps) of one accepted permission claim, keyed by the upstream
 * key `<serviceNs>/<name>`. The owner side's copy wins: the other side's edits are overwritten and
 * its deletions undone; a deletion on the owner side is carried over.
 */
export function createClaimReconciler(cc: ClaimContext) {
  return async (key: string, { signal, logger }: ReconcileContext): Promise<ReconcileOutcome | void> => {
    const { namespace: upNs, name } = splitObjectKey(key);
    if (!upNs) return;
    const consumerNs = cc.mapping.consumerNamespaceOf(upNs);
    if (!consumerNs) return;
    // Live reads: acting on a stale cache here would delete or resurrect objects.
    const up = await cc.upstream.tryGet(name, { namespace: upNs, signal });
    const down = await cc.downstream.tryGet(name, { namespace: consumerNs, signal });
    if (!(up && isClaimed(cc.claim, up)) && !(down && isClaimed(cc.claim, down))) return;
    const selectorOwner = cc.claim.selector?.owner;
    const owner = resolveClaimOwner(up, down, selectorOwner);
    if (!owner || (selectorOwner && owner !== selectorOwner)) return;

    const [source, sourceClient, sourceTarget, other, otherClient, otherTarget] =
      owner === 'Provider'
        ? [up, cc.upstream, { name, namespace: upNs }, down, cc.downstream, { name, namespace: consumerNs }]
        : [down, cc.downstream, { name, namespace: consumerNs }, up, cc.upstream, { name, namespace: upNs }];

    if (!source || isBeingDeleted(source)) {
      if (other && !isBeingDeleted(other)) {
        await tryDelete(otherClient, other, otherTarget, signal);
        logger.info(
          { owner, object: otherTarget },
          'claimed object deleted on the owner side; deleted the copy',
        );
      }
      return;
    }
    if (source.metadata.annotations?.[resourceOwnerAnnotation] !== owner) {
      await sourceClient.patch(
        name,
        {
          metadata: {
            annotations: { [resourceOwnerAnnotation]: owner },
            resourceVersion: source.metadata.resourceVersion,
          },
        },
        'merge',
        { namespace: sourceTarget.namespace, signal },
      );
      return { requeue: true };
    }
    const desired = claimedCopy(source, otherTarget, owner);
    if (!other) {
      try {
        await otherClient.create(desired, { signal });
        logger.debug({ owner, object: otherTarget }, 'created claimed copy');
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        return { requeue: true };
      }
      return;
    }
    if (isBeingDeleted(other)) return { requeueAfterMs: 1000 };
    if (!claimedCopyDiffers(other, desired)) return;
    if ((other as { type?: unknown }).type !== (desired as { type?: unknown }).type) {
      // A Secret's type is immutable: replace the object.
      await tryDelete(otherClient, other, otherTarget, signal);
      return { requeue: true };
    }
    await otherClient.update(
      {
        ...desired,
        metadata: {
          ...desired.metadata,
          resourceVersion: other.metadata.resourceVersion,
          uid: other.metadata.uid,
        },
      },
      { signal },
    );
    logger.debug({ owner, object: otherTarget }, 'overwrote claimed copy with the owner side');
  };
}

async function tryDelete(
  client: ResourceClient,
  obj: KubeObject,
  target: CopyTarget,
  signal: AbortSignal,
): Promise<void> {
  try {
    await client.delete(target.name, {
      namespace: target.namespace,
      preconditions: { uid: obj.metadata.uid },
      signal,
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
