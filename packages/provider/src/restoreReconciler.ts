import { backupManagerStates } from '@klutch/api';
import { BackupNotFoundError, type Restore } from '@klutch/broker-clients';
import { isBeingDeleted, type Logger, type ReconcileOutcome, type Reconciler } from '@klutch/kube';
import { restorableBackup, restoreDeletionBlocked, restoreObservation } from './backupManagerStates.js';
import { backupIdOf } from './backupReconciler.js';
import { claimOf, composedFor } from './claimReferences.js';
import { UserFacingError } from './errorMessages.js';
import { creating, deleting, unavailable } from './managedConditions.js';
import { ensureManaged, releaseManaged, statusTime } from './managedMetadata.js';
import type { BackupMr, RestoreMr, RestoreStatusT } from './managedResources.js';
import { externalNameAnnotation, instanceTypeLabel, restoreIdAnnotation } from './names.js';
import { writeAnnotations } from './objectWrites.js';
import { ManagedReconcile } from './managedReconcile.js';
import type { ProviderContext } from './providerContext.js';
import { reportFailure, ReconcileStepError, step } from './reconcileFailure.js';

type AtProvider = NonNullable<RestoreStatusT['atProvider']>;
type RestoreState = NonNullable<AtProvider['state']>;

export function restoreIdOf(obj: RestoreMr): number | undefined {
  const fromStatus = obj.status?.atProvider?.restoreId;
  if (typeof fromStatus === 'number') return fromStatus;
  const fromAnnotation = Number(obj.metadata.annotations?.[restoreIdAnnotation]);
  return Number.isInteger(fromAnnotation) && fromAnnotation > 0 ? fromAnnotation : undefined;
}

/** The Backup MR a restore refers to (by claim labels); at most one may match. */
export function findBackupOf(ctx: ProviderContext, obj: RestoreMr): BackupMr | undefined {
  const name = obj.spec.forProvider.backupName;
  const matches = composedFor(
    ctx.backupInformer.list(),
    name,
    claimOf(obj).namespace,
    obj.metadata.labels?.[instanceTypeLabel],
  );
  if (matches.length > 1) {
    throw new UserFacingError(`${matches.length} Backups belong to backup ${name}; expected one`);
  }
  return matches[0];
}

class RestoreReconcile extends ManagedReconcile<RestoreMr, RestoreStatusT, AtProvider> {
  constructor(ctx: ProviderContext, obj: RestoreMr, signal: AbortSignal, logger: Logger) {
    super(ctx, obj, signal, logger, 'restore', ctx.restores);
  }

  private async client() {
    const { client } = await step('CannotConnectToProvider', () =>
      this.ctx.backupManagerClientFor(this.obj.spec.providerConfigRef?.name ?? '', this.signal),
    );
    return client;
  }

  /** Reads the restore at the backup manager into the status; undefined when it is gone. */
  private async observe(instanceId: string, restoreId: number): Promise<Restore | undefined> {
    const client = await this.client();
    let restore: Restore;
    try {
      restore = await client.getRestore(instanceId, restoreId, { signal: this.signal });
    } catch (err) {
      if (
        err instanceof BackupNotFoundError ||
        (err instanceof Error && 'status' in err && err.status === 404)
      ) {
        return undefined;
      }
      throw new ReconcileStepError('CannotObserveExternalResource', err);
    }
    const at = this.atProvider;
    if ((backupManagerStates as readonly string[]).includes(restore.status))
      at.state = restore.status as RestoreState;
    const triggered = statusTime(restore.triggeredAt);
    const finished = statusTime(restore.finishedAt);
    if (triggered) at.triggeredAt = triggered;
    if (finished) at.finishedAt = finished;
    return restore;
  }

  async run(): Promise<ReconcileOutcome> {
    if (isBeingDeleted(this.obj)) return this.delete();
    const restoreId = restoreIdOf(this.obj);
    this.obj = await ensureManaged(
      this.ctx.restores,
      this.obj,
      restoreId !== undefined ? String(restoreId) : undefined,
      this.signal,
    );
    if (restoreId === undefined || !this.atProvider.instanceId) return this.create(restoreId);
    const restore = await this.observe(this.atProvider.instanceId, restoreId);
    if (!restore) {
      await this.commit(unavailable(`Restore ${restoreId} no longer exists at the backup manager.`));
      return { requeueAfterMs: this.ctx.timing.pollIntervalMs };
    }
    const obs = restoreObservation(restore.status);
    await this.commit(obs.ready, obs.error);
    this.ctx.gate.succeeded(this.key);
    return {
      requeueAfterMs: obs.inProgress
        ? this.ctx.operationPolls.next(this.key)
        : this.ctx.timing.pollIntervalMs,
    };
  }

  private async create(knownRestoreId: number | undefined): Promise<ReconcileOutcome> {
    const backupName = this.obj.spec.forProvider.backupName;
    const backup = findBackupOf(this.ctx, this.obj);
    if (!backup) {
      const message = `waiting for backup ${backupName}: no Backup of that name in namespace ${claimOf(this.obj).namespace ?? '(none)'}`;
      await this.commit(creating(message), message);
      return { requeueAfterMs: this.ctx.timing.waitIntervalMs };
    }
    const instanceId = backup.status?.atProvider?.instanceId;
    const backupId = backupIdOf(backup);
    if (knownRestoreId !== undefined && instanceId) {
      // Recorded only in the annotation: observe it, never start a second restore.
      this.atProvider.instanceId = instanceId;
      this.atProvider.restoreId = knownRestoreId;
      if (backupId !== undefined) this.atProvider.backupId = backupId;
      await this.commit(creating('Observing the restore.'));
      return { requeueAfterMs: 0 };
    }
    const blocked = restorableBackup(
      backupName,
      instanceId && backupId !== undefined ? backup.status?.atProvider?.status : undefined,
    );
    if (blocked) {
      // A failed or deleted backup will not get better: say so once, without retrying fast.
      await this.commit(
        blocked.wait ? creating(blocked.message) : unavailable(blocked.message),
        blocked.message,
      );
      return {
        requeueAfterMs: blocked.wait ? this.ctx.timing.waitIntervalMs : this.ctx.timing.pollIntervalMs,
      };
    }
    if (!instanceId || backupId === undefined) return { requeueAfterMs: this.ctx.timing.waitIntervalMs };
    const wait = this.ctx.gate.waitMs(this.key);
    if (wait > 0) return { requeueAfterMs: wait };
    const client = await this.client();
    const created = await step(
      'CannotCreateExternalResource',
      () => client.createRestore(instanceId, backupId, { signal: this.signal }),
      () => this.ctx.gate.failed(this.key),
    );
    this.atProvider.instanceId = instanceId;
    this.atProvider.backupId = backupId;
    this.atProvider.restoreId = created.id;
    this.atProvider.state = 'queued';
    await this.commit(creating('The restore is queued.'));
    this.obj = await writeAnnotations(
      this.ctx.restores,
      this.obj,
      { [restoreIdAnnotation]: String(created.id), [externalNameAnnotation]: String(created.id) },
      this.signal,
    );
    this.ctx.gate.succeeded(this.key);
    return { requeueAfterMs: this.ctx.operationPolls.next(this.key) };
  }

  /** A restore cannot be cancelled: deletion waits until it has finished, then removes nothing remotely. */
  private async delete(): Promise<ReconcileOutcome> {
    if (!(this.obj.metadata.finalizers ?? []).length) return {};
    const restoreId = restoreIdOf(this.obj);
    const instanceId = this.atProvider.instanceId;
    if (this.obj.spec.deletionPolicy !== 'Orphan' && restoreId !== undefined && instanceId) {
      const restore = await this.observe(instanceId, restoreId);
      const blocked = restore ? restoreDeletionBlocked(restore.status) : undefined;
      if (blocked) {
        await this.commit(deleting(blocked));
        return { requeueAfterMs: this.ctx.operationPolls.next(this.key) };
      }
    }
    await releaseManaged(this.ctx.restores, this.obj, this.signal);
    return {};
  }
}

/** The reconciler of Restore managed resources (keys are resource names). */
export function restoreReconciler(ctx: ProviderContext): Reconciler {
  return async (key, { signal, logger }) => {
    const obj = await ctx.restores.tryGet(key, { signal });
    if (!obj) return;
    const run = new RestoreReconcile(ctx, obj, signal, logger);
    try {
      const outcome = await run.run();
      ctx.failureBackoff.succeeded(`restore/${key}`);
      return outcome;
    } catch (err) {
      if (signal.aborted) throw err;
      return reportFailure(ctx, ctx.restores, run.obj, err, logger, signal, `restore/${key}`);
    }
  };
}
