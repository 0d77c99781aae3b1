/**
 * Status conditions with the semantics of the cluster-api conditions package that the Go
 * reference vendors (`bind/pkg/apis/third_party/conditions`). Every function is pure: it returns
 * a new array and never mutates its input, so callers can diff old and new status.
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';
export type ConditionSeverity = 'Error' | 'Warning' | 'Info' | '';

export interface Condition {
  type: string;
  status: ConditionStatus;
  severity?: ConditionSeverity;
  /** RFC 3339, whole seconds in UTC, as Go's metav1.Time serialises it. */
  lastTransitionTime: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

export const READY = 'Ready';

/** Formats like metav1.Time: seconds precision, so a round trip through the API server is lossless. */
export function formatConditionTime(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Builds a condition the way it looks after a round trip through the API server: the Go fields
 * are `omitempty`, so empty reason/message/severity are absent rather than empty strings.
 */
function normalize(c: ConditionInput, lastTransitionTime: string): Condition {
  const out: Condition = { type: c.type, status: c.status, lastTransitionTime };
  if (c.severity) out.severity = c.severity;
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  if (c.observedGeneration !== undefined) out.observedGeneration = c.observedGeneration;
  return out;
}

/** The fields whose change is a transition (observedGeneration is bookkeeping, not state). */
function sameState(a: ConditionInput, b: ConditionInput): boolean {
  return (
    a.type === b.type &&
    a.status === b.status &&
    (a.severity ?? '') === (b.severity ?? '') &&
    (a.reason ?? '') === (b.reason ?? '') &&
    (a.message ?? '') === (b.message ?? '')
  );
}

function compareConditions(a: Condition, b: Condition): number {
  if (a.type === b.type) return 0;
  if (a.type === READY) return -1;
  if (b.type === READY) return 1;
  // Plain code-unit order, not localeCompare: it must match Go's byte-wise string ordering.
  return a.type < b.type ? -1 : 1;
}

/** Returns a sorted copy: `Ready` first, then the other types in lexicographic order. */
export function sortConditions(conditions: readonly Condition[] | undefined): Condition[] {
  return [...(conditions ?? [])].sort(compareConditions);
}

/**
 * Adds or replaces the condition of `c.type`, returning a new sorted array. lastTransitionTime
 * is kept from the existing condition unless status, reason, severity or message changed.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  c: ConditionInput,
  now: Date = new Date(),
): Condition[] {
  const existing = getCondition(conditions, c.type);
  const lastTransitionTime =
    existing && sameState(existing, c) ? existing.lastTransitionTime : formatConditionTime(now);
  const others = (conditions ?? []).filter((x) => x.type !== c.type);
  return sortConditions([...others, normalize(c, lastTransitionTime)]);
}

/** Returns a new array without any condition of `type`. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((x) => x.type !== type);
}

/** Sets `type` to True; reason, severity and message are cleared. */
export function markTrue(
  conditions: readonly Condition[] | undefined,
  type: string,
  now?: Date,
): Condition[] {
  return setCondition(conditions, { type, status: 'True' }, now);
}

export function markFalse(
  conditions: readonly Condition[] | undefined,
  type: string,
  reason: string,
  severity: ConditionSeverity,
  message: string,
  now?: Date,
): Condition[] {
  return setCondition(conditions, { type, status: 'False', reason, severity, message }, now);
}

export function markUnknown(
  conditions: readonly Condition[] | undefined,
  type: string,
  reason: string,
  message: string,
  now?: Date,
): Condition[] {
  return setCondition(conditions, { type, status: 'Unknown', reason, message }, now);
}

export function getCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return getCondition(conditions, type)?.status === 'True';
}

export function isFalse(conditions: readonly Condition[] | undefined, type: string): boolean {
  return getCondition(conditions, type)?.status === 'False';
}

/** True when the condition is Unknown or missing, like the Go IsUnknown. */
export function isUnknown(conditions: readonly Condition[] | undefined, type: string): boolean {
  const c = getCondition(conditions, type);
  return c === undefined || c.status === 'Unknown';
}

export interface SummaryOptions {
  /** The condition that receives the summary. Default `Ready`. */
  readyType?: string;
  /** Condition types left out of the summary. */
  ignore?: readonly string[];
}

const FALSE_RANK: Record<ConditionSeverity, number> = { Error: 0, '': 0, Warning: 1, Info: 2 };
const RANK_TRUE = 3;
const RANK_UNKNOWN = 4;
const SEVERITY_OF_RANK: readonly ConditionSeverity[] = ['Error', 'Warning', 'Info'];

/**
 * Lower is more important. A False condition without severity ranks as Error. cluster-api gives
 * that group no priority at all (its "should never happen" case, below Unknown), so a single
 * unclassified failure next to a True condition would yield Ready=True and hide the failure.
 * Every MarkFalse call of the Go reference passes a severity, so this only matters for
 * conditions built by hand or copied from elsewhere, and there failing loudly is the safer
 * reading of "False". Statuses other than True/False rank as Unknown.
 */
function rank(c: Condition): number {
  if (c.status === 'True') return RANK_TRUE;
  if (c.status === 'False') return FALSE_RANK[c.severity ?? ''] ?? 0;
  return RANK_UNKNOWN;
}

/**
 * Recomputes the Ready condition (or `opts.readyType`) from all other conditions, returning a
 * new sorted array. The most important group wins: False/Error > False/Warning > False/Info >
 * True > Unknown. All True gives Ready=True; a False group gives Ready=False with that group's
 * severity and the reason and message of its first condition in sorted order; otherwise
 * Ready=Unknown with the reason and message of the first Unknown condition.
 *
 * With no other conditions in scope the array is returned (sorted) with Ready untouched, as in
 * the Go reference, where the summary is then nil and Set ignores it.
 */
export function setSummary(
  conditions: readonly Condition[] | undefined,
  now?: Date,
  opts: SummaryOptions = {},
): Condition[] {
  const readyType = opts.readyType ?? READY;
  const ignore = new Set(opts.ignore ?? []);
  const inScope = sortConditions(conditions).filter((c) => c.type !== readyType && !ignore.has(c.type));

  let top: Condition | undefined;
  let topRank = Infinity;
  for (const c of inScope) {
    const r = rank(c);
    // Strictly lower only, so the first condition in sorted order represents its group.
    if (r < topRank) {
      top = c;
      topRank = r;
    }
  }
  if (top === undefined) return sortConditions(conditions);

  let summary: ConditionInput;
  if (topRank === RANK_TRUE) {
    summary = { type: readyType, status: 'True' };
  } else if (topRank === RANK_UNKNOWN) {
    summary = { type: readyType, status: 'Unknown', reason: top.reason, message: top.message };
  } else {
    summary = {
      type: readyType,
      status: 'False',
      severity: SEVERITY_OF_RANK[topRank],
      reason: top.reason,
      message: top.message,
    };
  }
  return setCondition(conditions, summary, now);
}

/**
 * Whether two condition lists say the same thing, ignoring lastTransitionTime and order (both
 * are sorted first). Lets a reconciler skip a status write that would change nothing.
 */
export function conditionsEqualIgnoringTime(
  a: readonly Condition[] | undefined,
  b: readonly Condition[] | undefined,
): boolean {
  const x = sortConditions(a);
  const y = sortConditions(b);
  if (x.length !== y.length) return false;
  return x.every((c, i) => {
    const d = y[i];
    return d !== undefined && sameState(c, d) && c.observedGeneration === d.observedGeneration;
  });
}
