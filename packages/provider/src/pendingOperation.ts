/**
 * What an asynchronous broker operation does; it decides how its outcome is interpreted.
 * `cleanup` is the orphan-mitigation deprovision of a failed provision, `cleanup-due` one the
 * broker has not accepted yet (it must be sent again, with back-off, until the broker confirms).
 */
export type OperationKind = 'provision' | 'update' | 'deprovision' | 'cleanup' | 'cleanup-due';

export interface PendingOperation {
  kind: OperationKind;
  /** The broker's operation key; brokers may leave it out. */
  key?: string;
  /** When the operation was accepted (ms since the epoch), for the plan's maximum_polling_duration. */
  startedAtMs?: number;
}

const KINDS: readonly OperationKind[] = ['provision', 'update', 'deprovision', 'cleanup', 'cleanup-due'];

/**
 * `status.pendingOperation` holds `<kind>[@<accepted at, ms>]:<operation key>`. The status schema
 * has a single string for the pending operation, and kind and start must survive restarts: a
 * provision that fails is cleaned up and retried, a failed deprovision is not a reason to provision
 * again, and the polling limit counts from the acceptance, not from the provider's start.
 */
export function encodePendingOperation(op: PendingOperation): string {
  const started = op.startedAtMs !== undefined ? `@${Math.trunc(op.startedAtMs)}` : '';
  return `${op.kind}${started}:${op.key ?? ''}`;
}

/**
 * Reads `status.pendingOperation`. A bare operation key (written by the Go provider) has no kind;
 * it is then inferred from the resource: deleting means deprovision, never provisioned means
 * provision, otherwise update.
 */
export function parsePendingOperation(
  value: string | undefined,
  inferred: () => OperationKind,
): PendingOperation | undefined {
  if (value === undefined || value === '') return undefined;
  const i = value.indexOf(':');
  const head = i > 0 ? value.slice(0, i) : '';
  const at = head.indexOf('@');
  const kind = at >= 0 ? head.slice(0, at) : head;
  const started = at >= 0 ? Number(head.slice(at + 1)) : undefined;
  if ((KINDS as readonly string[]).includes(kind) && (started === undefined || Number.isFinite(started))) {
    const key = value.slice(i + 1);
    return {
      kind: kind as OperationKind,
      ...(key ? { key } : {}),
      ...(started !== undefined ? { startedAtMs: started } : {}),
    };
  }
  return { kind: inferred(), key: value };
}
