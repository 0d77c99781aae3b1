/**
 * An asynchronous bind or unbind the broker is still working on, or (`unbind-due`) the
 * orphan-mitigation unbind of a failed bind that the broker has not confirmed yet: it is sent
 * again, with back-off, until the broker does.
 */
export interface PendingBindingOperation {
  kind: 'bind' | 'unbind' | 'unbind-due';
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
  const m = /^(bind|unbind|unbind-due):([^:]+):(.*)$/s.exec(value);
  if (!m) return undefined;
  const [, kind, bindingId, key] = m;
  return {
    kind: kind as PendingBindingOperation['kind'],
    bindingId: bindingId ?? '',
    ...(key ? { key } : {}),
  };
}
