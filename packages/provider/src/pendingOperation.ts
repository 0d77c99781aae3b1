/** What an asynchronous broker operation does; it decides how its outcome is interpreted. */
export type OperationKind = 'provision' | 'update' | 'deprovision';

export interface PendingOperation {
  kind: OperationKind;
  /** The broker's operation key; brokers may leave it out. */
  key?: string;
}

const KINDS: readonly OperationKind[] = ['provision', 'update', 'deprovision'];

/**
 * `status.pendingOperation` holds `<kind>:<operation key>`. The status schema has a single
 * string for the pending operation, and the kind must survive restarts: a provision that fails is
 * retried, a failed deprovision is not a reason to provision again.
 */
export function encodePendingOperation(op: PendingOperation): string {
  return `${op.kind}:${op.key ?? ''}`;
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
  const kind = i > 0 ? value.slice(0, i) : '';
  if ((KINDS as readonly string[]).includes(kind)) {
    const key = value.slice(i + 1);
    return key ? { kind: kind as OperationKind, key } : { kind: kind as OperationKind };
  }
  return { kind: inferred(), key: value };
}
