/** A failure the provider reported in an object's status, to be shown as a Warning Event. */
export interface StatusWarning {
  reason: string;
  message: string;
}

interface ConditionView {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  message?: unknown;
}

/**
 * Crossplane's Ready reasons for work in progress: a provisioning instance is not a failure, so
 * it gets no Warning Event (the provider's own Events follow the same rule).
 */
const progressReasons: ReadonlySet<string> = new Set(['Creating', 'Deleting']);

/** Conditions whose turning False means the object is failing (Crossplane and Kubernetes conventions). */
const failureConditionTypes = ['Synced', 'Ready'] as const;

function conditionsOf(status: unknown): ConditionView[] {
  if (typeof status !== 'object' || status === null) return [];
  const conditions = (status as { conditions?: unknown }).conditions;
  return Array.isArray(conditions) ? (conditions as ConditionView[]) : [];
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * The failures that are new when the status copied down changes from `before` to `after`: a
 * Synced or Ready condition that is False with a message, for a reason other than progress, and
 * whose reason or message differs from before. The app cluster never sees the control plane's
 * Events, so these are what lets `kubectl describe` there show why an object is stuck.
 */
export function newStatusWarnings(before: unknown, after: unknown): StatusWarning[] {
  const was = conditionsOf(before);
  const now = conditionsOf(after);
  const out: StatusWarning[] = [];
  for (const type of failureConditionTypes) {
    const c = now.find((x) => x.type === type);
    if (!c || c.status !== 'False') continue;
    const reason = text(c.reason) || `${type}False`;
    const message = text(c.message);
    if (message === '' || progressReasons.has(reason)) continue;
    const old = was.find((x) => x.type === type);
    if (old && old.status === 'False' && text(old.reason) === text(c.reason) && text(old.message) === message)
      continue;
    if (!out.some((w) => w.reason === reason && w.message === message)) out.push({ reason, message });
  }
  return out;
}
