/** An asynchronous bind or unbind the broker is still working on. */
export interface PendingBindingOperation {
  kind: 'bind' | 'unbind';
  bindingId: string;
  key?: string;
}

/**
 * The annotation value of a pending binding operation: `<kind>:<binding id>:<operation key>`.
 * Binding ids never contain a colon (they are UIDs with an optional `-n`), the key may.
 */
export function encodeBindingOperation(op: PendingBindingOperation): string {
  return `${op.kind}:${op.bindingId}:${op.key ?? ''}`;
}

export function parseBindingOperation(value: string | undefined): PendingBindingOperation | undefined {
  if (!value) return undefined;
  const m = /^(bind|unbind):([^:]+):(.*)$/s.exec(value);
  if (!m) return undefined;
  const [, kind, bindingId, key] = m;
  return {
    kind: kind as 'bind' | 'unbind',
    bindingId: bindingId ?? '',
    ...(key ? { key } : {}),
  };
}
