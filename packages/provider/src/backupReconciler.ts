import { backupManagerStates } from '@klutch/api';
import { BackupNotFoundError, type Backup } from '@klutch/broker-clients';
import { isBeingDeleted, isTrue, type Logger, type ReconcileOutcome, type Reconciler } from '@klutch/kube';
import { backupObservation } from './backupManagerStates.js';
import { claimOf, composedFor } from './claimReferences.js';
import { UserFacingError } from './errorMessages.js';
import { creating, READY, unavailable } from './managedConditions.js';
import { ensureManaged, releaseManaged, statusTime } from './managedMetadata.js';
import type { BackupMr, BackupStatusT } from './managedResources.js';
import { backupIdAnnotation, externalNameAnnotation, instanceTypeLabel } from './names.js';
import { writeAnnotations } from './objectWrites.js';
import { ManagedReconcile } from './managedReconcile.js';
import type { ProviderContext } from './providerContext.js';
import { reportFailure, ReconcileStepError, step } from './reconcileFailure.js';

type AtProvider = NonNullable<BackupStatusT['atProvider']>;
type BackupState = NonNullable<AtProvider['status']>;

/** The backup-manager id of a Backup: the status, else the annotation the Go provider used. */
export function backupIdOf(obj: BackupMr): number | undefined {
  const fromStatus = obj.status?.atProvider?.id;
  if (typeof fromStatus === 'number') return fromStatus;
  const fromAnnotation = Number(obj.metadata.annotations?.[backupIdAnnotation]);
  return Number.isInteger(fromAnnotation) && fromAnnotation > 0 ? fromAnnotation : undefined;
}

class BackupReconcile extends ManagedReconcile<BackupMr, BackupStatusT, AtProvider> {
  constructor(ctx: ProviderContext, obj: BackupMr, signal: AbortSignal, logger: Logger) {
    super(ctx, obj, signal, logger, 'backup', ctx.backups);
  }

  private async client() {
    const { client } = await step('CannotConnectToProvider', () =>
      this.ctx.backupManagerClientFor(this.obj.spec.providerConfigRef?.name ?? '', this.signal),
    );
    return client;
  }

  async run(): Promise<ReconcileOutcome> {
    if (isBeingDeleted(this.obj)) return this.delete();
    const id = backupIdOf(this.obj);
    this.obj = await ensureManaged(
      this.ctx.backups,
      this.obj,
      id !== undefined ? String(id) : undefined,
      this.signal,
    );
    if (id === undefined) return this.create();
    // A backup recorded only in the annotation (status lost or written by the Go provider) is
    // observed through its instance, never taken again.
    const instanceId = this.atProvider.instanceId ?? this.findInstance().instanceId;
    if (!instanceId) {
      const message = `waiting for service instance ${this.obj.spec.forProvider.instanceName} to be ready`;
      await this.commit(creating(message), message);
      return { requeueAfterMs: this.ctx.timing.waitIntervalMs };
    }
    this.atProvider.instanceId = instanceId;
    this.atProvider.id = id;
    const client = await this.client();
    let backup: Backup;
    try {
      backup = await client.getBackup(instanceId, id, { signal: this.signal });
    } catch (err) {
      if (!(err instanceof BackupNotFoundError))
        throw new ReconcileStepError('CannotObserveExternalResource', err);
      // Gone at the backup manager: reported, never silently replaced by a new backup.
      await this.commit(unavailable(`Backup ${id} no longer exists at the backup manager.`));
      return { requeueAfterMs: this.ctx.timing.pollIntervalMs };
    }
    const obs = backupObservation(backup.status);
    const at = this.atProvider;
    if ((backupManagerStates as readonly string[]).includes(backup.status))
      at.status = backup.status as BackupState;
    if (backup.size !== undefined) at.size = backup.size;
    if (backup.downloadable !== undefined) at.downloadable = backup.downloadable;
    const triggered = statusTime(backup.triggeredAt);
    const finished = statusTime(backup.finishedAt);
    if (triggered) at.triggered_at = triggered;
    if (finished) at.finished_at = finished;
    await this.commit(obs.ready, obs.error);
    this.ctx.gate.succeeded(this.key);
    return {
      requeueAfterMs: obs.inProgress
        ? this.ctx.operationPolls.next(this.key)
        : this.ctx.timing.pollIntervalMs,
    };
  }

  /** The instance MR this backup is for (by claim labels) and its broker id once it is ready. */
  private findInstance(): { instanceId?: string; ready: boolean } {
    const name = this.obj.spec.forProvider.instanceName;
    const matches = composedFor(
      this.ctx.instanceInformer.list(),
      name,
      claimOf(this.obj).namespace,
      this.obj.metadata.labels?.[instanceTypeLabel],
    );
    if (matches.length > 1) {
      throw new UserFacingError(
        `${matches.length} ServiceInstances belong to instance ${name}; expected one`,
      );
    }
    const instance = matches[0];
    const instanceId = instance?.status?.atProvider?.instanceId;
    return {
      ...(instanceId ? { instanceId } : {}),
      ready:
        instance !== undefined && !isBeingDeleted(instance) && isTrue(instance.status?.conditions, READY),
    };
  }

  private async create(): Promise<ReconcileOutcome> {
    const name = this.obj.spec.forProvider.instanceName;
    const { instanceId, ready } = this.findInstance();
    if (!instanceId || !ready) {
      const message = `waiting for service instance ${name} to be ready`;
      await this.commit(creating(message), message);
      return { requeueAfterMs: this.ctx.timing.waitIntervalMs };
    }
    const wait = this.ctx.gate.waitMs(this.key);
    if (wait > 0) return { requeueAfterMs: wait };
    const client = await this.client();
    const created = await step(
      'CannotCreateExternalResource',
      () => client.createBackup(instanceId, { signal: this.signal }),
      () => this.ctx.gate.failed(this.key),
    );
    this.atProvider.instanceId = instanceId;
    this.atProvider.id = created.id;
    this.atProvider.status = 'queued';
    await this.commit(creating('The backup is queued.'));
    this.obj = await writeAnnotations(
      this.ctx.backups,
      this.obj,
      { [backupIdAnnotation]: String(created.id), [externalNameAnnotation]: String(created.id) },
      this.signal,
    );
    this.ctx.gate.succeeded(this.key);
    return { requeueAfterMs: this.ctx.operationPolls.next(this.key) };
  }

  private async delete(): Promise<ReconcileOutcome> {
    if (!(this.obj.metadata.finalizers ?? []).length) return {};
    const id = backupIdOf(this.obj);
    const instanceId = this.atProvider.instanceId;
    if (this.obj.spec.deletionPolicy !== 'Orphan' && id !== undefined && instanceId) {
      const wait = this.ctx.gate.waitMs(this.key);
      if (wait > 0) return { requeueAfterMs: wait };
      const client = await this.client();
      try {
        await client.deleteBackup(instanceId, id, { signal: this.signal });
      } catch (err) {
        if (!(err instanceof BackupNotFoundError)) {
          throw new ReconcileStepError('CannotDeleteExternalResource', err, this.ctx.gate.failed(this.key));
        }
      }
    }
    this.ctx.gate.succeeded(this.key);
    await releaseManaged(this.ctx.backups, this.obj, this.signal);
    return {};
  }
}

/** The reconciler of Backup managed resources (keys are resource names). */
export function backupReconciler(ctx: ProviderContext): Reconciler {
  return async (key, { signal, logger }) => {
    const obj = await ctx.backups.tryGet(key, { signal });
    if (!obj) return;
    const run = new BackupReconcile(ctx, obj, signal, logger);
    try {
      const outcome = await run.run();
      ctx.failureBackoff.succeeded(`backup/${key}`);
      return outcome;
    } catch (err) {
      if (signal.aborted) throw err;
      return reportFailure(ctx, ctx.backups, run.obj, err, logger, signal, `backup/${key}`);
    }
  };
}
