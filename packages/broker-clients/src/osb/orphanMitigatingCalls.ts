import type { OsbClient } from './osbClient.js';
import { OsbError } from './osbErrors.js';
import {
  orphanMitigationFor,
  type OrphanMitigationReport,
  type OrphanMitigationTask,
} from './orphanMitigation.js';
import type {
  AsyncOptions,
  BindRequest,
  BindResult,
  OsbRequestOptions,
  ProvisionRequest,
  ProvisionResult,
} from './osbTypes.js';

/**
 * Sends the cleanup DELETE of an orphan mitigation once (accepts_incomplete=true, so
 * a broker that deletes asynchronously can accept it). Never throws for broker
 * failures: they are reported, with the task to repeat.
 */
export async function runOrphanMitigation(
  client: OsbClient,
  task: OrphanMitigationTask,
  opts: OsbRequestOptions = {},
): Promise<OrphanMitigationReport> {
  try {
    const res =
      task.kind === 'deprovision'
        ? await client.deprovision(task.instanceId, task, { ...opts, acceptsIncomplete: true })
        : await client.unbind(task.instanceId, task.bindingId, task, { ...opts, acceptsIncomplete: true });
    if (res.kind === 'async') {
      return {
        task,
        state: 'accepted',
        ...(res.operation !== undefined ? { operation: res.operation } : {}),
      };
    }
    return { task, state: 'done' };
  } catch (err) {
    if (!(err instanceof OsbError)) {
      // An aborted signal: the caller is shutting down; the cleanup is still owed.
      if (opts.signal?.aborted) return { task, state: 'failed', retry: task };
      throw err;
    }
    return { task, state: 'failed', error: err, retry: task };
  }
}

async function withMitigation<T>(
  call: () => Promise<T>,
  op: 'provision' | 'bind',
  task: OrphanMitigationTask,
  client: OsbClient,
  opts: OsbRequestOptions,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    // Aborts (not OsbError) are rethrown as they are: the caller's level-triggered retry
    // re-sends the same PUT with the same ids, which finds or creates the same resource.
    if (!(err instanceof OsbError) || orphanMitigationFor(op, err) === 'none') throw err;
    const report = await runOrphanMitigation(client, task, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.originatingIdentity ? { originatingIdentity: opts.originatingIdentity } : {}),
    });
    err.orphanMitigation = report;
    err.orphanMitigated = report.state !== 'failed';
    throw err;
  }
}

/**
 * provision() that, when the OSB orphan-mitigation table says the broker may have
 * created something after a failure (5xx, 408, timeout or reset after sending, a 201 or
 * 202 with a malformed body, another 2xx), sends one deprovision and rethrows the
 * original error with `orphanMitigated` and `orphanMitigation` set. A failed cleanup
 * leaves `orphanMitigation.retry`, which the caller must send again later
 * (runOrphanMitigation).
 */
export function provisionWithOrphanMitigation(
  client: OsbClient,
  instanceId: string,
  req: ProvisionRequest,
  opts: AsyncOptions = {},
): Promise<ProvisionResult> {
  return withMitigation(
    () => client.provision(instanceId, req, opts),
    'provision',
    { kind: 'deprovision', instanceId, serviceId: req.serviceId, planId: req.planId },
    client,
    opts,
  );
}

/** bind() with orphan mitigation: like provisionWithOrphanMitigation, cleaning up with unbind. */
export function bindWithOrphanMitigation(
  client: OsbClient,
  instanceId: string,
  bindingId: string,
  req: BindRequest,
  opts: AsyncOptions = {},
): Promise<BindResult> {
  return withMitigation(
    () => client.bind(instanceId, bindingId, req, opts),
    'bind',
    { kind: 'unbind', instanceId, bindingId, serviceId: req.serviceId, planId: req.planId },
    client,
    opts,
  );
}
