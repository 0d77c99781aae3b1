import { OsbError, OsbMalformedResponseError } from './osbErrors.js';

/**
 * What happened to a provision or bind request, as far as orphan mitigation cares:
 * an HTTP answer (possibly with a body the client could not use), or no answer at all,
 * in which case it matters whether the request may have reached the broker.
 */
export type OsbCallOutcome =
  { kind: 'answer'; status: number; malformedBody?: boolean } | { kind: 'no-answer'; requestSent: boolean };

export type OrphanMitigationAction = 'none' | 'deprovision' | 'unbind';

/** The outcome an OsbError stands for; undefined for errors that are not about the broker's answer. */
export function outcomeOfError(err: OsbError): OsbCallOutcome | undefined {
  if (err instanceof OsbMalformedResponseError)
    return { kind: 'answer', status: err.status, malformedBody: true };
  if (err.status !== undefined) return { kind: 'answer', status: err.status };
  if (err.isTimeout() || err.isUnreachable()) return { kind: 'no-answer', requestSent: err.requestSent };
  return undefined;
}

/**
 * The "Orphan Mitigation" table of the OSB specification for provision and bind:
 *
 * | answer                                   | means                  | mitigate |
 * |------------------------------------------|------------------------|----------|
 * | 200                                      | success                | no       |
 * | 200 with a malformed body                | failure                | no       |
 * | 201                                      | success                | no       |
 * | 201 with a malformed body                | failure                | yes      |
 * | other 2xx (also 202 with malformed body) | failure                | yes      |
 * | 408                                      | client timeout failure | yes      |
 * | other 4xx                                | rejected               | no       |
 * | 5xx                                      | broker error           | yes      |
 * | timeout / reset after sending            | failure                | yes      |
 *
 * A request that certainly never left (connection refused, TLS handshake failure) cannot
 * have created anything, so it needs no mitigation. 1xx/3xx answers are not in the
 * table; the broker did not act on them, so they are treated like rejections.
 */
export function orphanMitigationFor(
  op: 'provision' | 'bind',
  outcome: OsbCallOutcome | OsbError,
): OrphanMitigationAction {
  const o = outcome instanceof OsbError ? outcomeOfError(outcome) : outcome;
  if (o === undefined) return 'none';
  const mitigate = op === 'provision' ? 'deprovision' : 'unbind';
  if (o.kind === 'no-answer') return o.requestSent ? mitigate : 'none';
  const { status } = o;
  const malformed = o.malformedBody === true;
  if (status === 200) return 'none';
  if (status === 201) return malformed ? mitigate : 'none';
  if (status === 202) return malformed ? mitigate : 'none';
  if (status >= 200 && status < 300) return mitigate;
  if (status === 408) return mitigate;
  if (status >= 400 && status < 500) return 'none';
  if (status >= 500) return mitigate;
  return 'none';
}

/** The cleanup request orphan mitigation sends; kept on the error so a failed one can be repeated. */
export type OrphanMitigationTask =
  | { kind: 'deprovision'; instanceId: string; serviceId: string; planId: string }
  | { kind: 'unbind'; instanceId: string; bindingId: string; serviceId: string; planId: string };

export interface OrphanMitigationReport {
  task: OrphanMitigationTask;
  /**
   * done: the broker deleted it (200) or it never existed (410);
   * accepted: the broker deletes it asynchronously (202, `operation`);
   * failed: the DELETE failed (`error`); repeat `retry` later.
   */
  state: 'done' | 'accepted' | 'failed';
  operation?: string;
  error?: OsbError;
  /** Set when state is failed: what the caller must send again, e.g. with runOrphanMitigation. */
  retry?: OrphanMitigationTask;
}
