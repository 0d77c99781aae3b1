import type { Logger } from '@klutch/kube';
import type { Pool } from 'pg';
import type { BackupService } from '../backupManager/backupService.js';
import type { DatabaseTimeouts } from '../engines/databaseTimeouts.js';
import { instanceResourceNames } from '../engines/resourceNames.js';
import { describeTimeout, timeoutKindOf } from '../engines/timeoutFailures.js';
import { deleteBindingsOfInstance } from '../state/bindingRepository.js';
import { applyInstanceUpdate, getInstance, setInstanceState } from '../state/instanceRepository.js';
import { finishOperation, getOperation, listOperationsInProgress } from '../state/operationRepository.js';
import { withTransaction } from '../state/stateDatabase.js';
import type { InstanceRecord, OperationRecord } from '../state/stateRecords.js';
import type { EngineRegistry } from './engineRegistry.js';
import { loadEngineInstance } from './engineRegistry.js';

export interface OperationRunnerOptions {
  pool: Pool;
  engines: EngineRegistry;
  backups: BackupService;
  /** Wait before an operation starts, so that platforms (and tests) can observe `in progress`. */
  delayMs: number;
  /** Operations running at the same time; the others wait in submission order. */
  concurrency: number;
  /** For the descriptions of operations that timed out. */
  timeouts: DatabaseTimeouts;
  logger: Logger;
}

/**
 * Runs the asynchronous OSB operations. The state database is the queue: an operation is a row in
 * state `in progress` until a run finishes it, every step is idempotent, and a broker that stops
 * mid-way simply runs the operation again from the start at its next start. At most `concurrency`
 * run at once; how many may wait is bounded where operations are accepted (see InstanceService).
 * An operation that hits a database timeout ends as `failed`, and the platform's retry starts a
 * new one.
 */
export class OperationRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Operations whose start delay is over, waiting for a free slot. */
  private readonly ready: string[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly options: OperationRunnerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new Error('the operation concurrency must be a positive integer');
  }

  async resume(): Promise<void> {
    const pending = await listOperationsInProgress(this.options.pool);
    for (const op of pending) {
      this.options.logger.info(
        { operation: op.id, instance: op.instanceId, kind: op.kind },
        'resuming operation',
      );
      this.submit(op.id);
    }
  }

  submit(operationId: string): void {
    if (this.abort.signal.aborted) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.ready.includes(operationId)) this.ready.push(operationId);
      this.pump();
    }, this.options.delayMs);
    this.timers.add(timer);
  }

  /** Stops starting operations and waits for the running ones to reach a consistent point. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('the broker is stopping'));
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ready.length = 0;
    await Promise.allSettled([...this.running.values()]);
  }

  private pump(): void {
    while (!this.abort.signal.aborted && this.running.size < this.options.concurrency) {
      const next = this.ready.shift();
      if (next === undefined) return;
      this.start(next);
    }
  }

  private start(operationId: string): void {
    if (this.abort.signal.aborted || this.running.has(operationId)) return;
    const run = this.run(operationId)
      .catch((err: unknown) =>
        this.options.logger.error(
          { operation: operationId, err: (err as Error).message },
          'operation runner failed',
        ),
      )
      .finally(() => {
        this.running.delete(operationId);
        this.pump();
      });
    this.running.set(operationId, run);
  }

  private async run(operationId: string): Promise<void> {
    const { pool, logger } = this.options;
    const op = await getOperation(pool, operationId);
    if (op?.state !== 'in progress') return;
    const instance = await getInstance(pool, op.instanceId);
    if (!instance) return;
    const log = logger.child({ operation: op.id, instance: op.instanceId, kind: op.kind });
    try {
      switch (op.kind) {
        case 'provision':
          await this.provision(op, instance);
          break;
        case 'update':
          await this.update(op, instance);
          break;
        case 'deprovision':
          await this.deprovision(op, instance);
          break;
      }
      log.info('operation succeeded');
    } catch (err) {
      if (this.abort.signal.aborted) {
        log.info('operation interrupted by the stop; it runs again at the next start');
        return;
      }
      const description = failureDescription(op, instance, err, this.options.timeouts);
      log.warn({ err: (err as Error).message, timeout: timeoutKindOf(err) }, 'operation failed');
      await withTransaction(pool, async (client) => {
        await finishOperation(client, op.id, 'failed', description);
        // A failed update leaves the instance as it was; the other kinds leave it in an unknown shape.
        await setInstanceState(client, op.instanceId, op.kind === 'update' ? 'provisioned' : 'failed');
      });
    }
  }

  private async provision(op: OperationRecord, instance: InstanceRecord): Promise<void> {
    const { pool, engines } = this.options;
    const engine = engines.get(instance.engine);
    await engine.ensureInstance(await loadEngineInstance(pool, instance));
    await withTransaction(pool, async (client) => {
      await setInstanceState(client, instance.id, 'provisioned');
      await finishOperation(client, op.id, 'succeeded', `Service instance ${instance.id} is provisioned.`);
    });
  }

  private async update(op: OperationRecord, instance: InstanceRecord): Promise<void> {
    const { pool, engines } = this.options;
    const target = op.target;
    if (!target) throw new Error('the operation has no target');
    const engine = engines.get(instance.engine);
    await engine.ensureInstance(await loadEngineInstance(pool, instance, target));
    await withTransaction(pool, async (client) => {
      await applyInstanceUpdate(client, instance.id, target);
      await finishOperation(client, op.id, 'succeeded', `Service instance ${instance.id} is updated.`);
    });
  }

  private async deprovision(op: OperationRecord, instance: InstanceRecord): Promise<void> {
    const { pool, engines, backups } = this.options;
    const engine = engines.get(instance.engine);
    await backups.settleJobs(instance.id);
    this.abort.signal.throwIfAborted();
    await engine.removeInstance(await loadEngineInstance(pool, instance));
    // Only now: a deprovision that failed (a lock timeout, say) must not have cost the backups.
    await backups.forgetInstance(instance.id);
    await withTransaction(pool, async (client) => {
      await deleteBindingsOfInstance(client, instance.id);
      await setInstanceState(client, instance.id, 'deleted');
      await finishOperation(client, op.id, 'succeeded', `Service instance ${instance.id} is deprovisioned.`);
    });
  }
}

function describeKind(kind: OperationRecord['kind']): string {
  return kind === 'provision' ? 'Provisioning' : kind === 'update' ? 'Updating' : 'Deprovisioning';
}

const retryHints: Record<OperationRecord['kind'], string> = {
  provision: 'a new provision request (PUT) starts a new attempt',
  update: 'repeating the update (PATCH) starts a new attempt',
  deprovision: 'a new deprovision request (DELETE) starts a new attempt',
};

/** The `last_operation` description of a failed operation; a timeout says which one and how to go on. */
export function failureDescription(
  op: Pick<OperationRecord, 'kind' | 'instanceId'>,
  instance: Pick<InstanceRecord, 'engine'>,
  err: unknown,
  timeouts: DatabaseTimeouts,
): string {
  const what = `${describeKind(op.kind)} of service instance ${op.instanceId}`;
  const timeout = timeoutKindOf(err);
  if (timeout === undefined) return `${what} failed: ${(err as Error).message}`;
  const database = instanceResourceNames(op.instanceId).database;
  const cause = describeTimeout(timeout, timeouts, instance.engine, database);
  const when = timeout === 'lock' ? ' once the other session has ended' : '';
  return `${what} timed out: ${cause}. Retry the request${when}; ${retryHints[op.kind]}.`;
}
