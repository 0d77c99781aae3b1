import { setTimeout as sleep } from 'node:timers/promises';
import { OsbError, OsbPollingTimeoutError } from './osbErrors.js';
import type { LastOperationResult } from './osbTypes.js';

export interface PollLastOperationOptions {
  /** From the plan's maximum_polling_duration (see maximumPollingDurationMs); no limit when left out. */
  maximumPollingDurationMs?: number;
  /** Wait between polls when the broker sends no Retry-After. Default 2 s. */
  defaultIntervalMs?: number;
  /** Upper bound for a broker's Retry-After. Default 5 minutes. */
  maxIntervalMs?: number;
  /** Consecutive retryable errors (broker down, 5xx) tolerated before giving up. Default 3. */
  maxConsecutiveErrors?: number;
  signal?: AbortSignal;
  /** Names the broker in the timeout message. */
  brokerUrl?: string;
}

/**
 * Polls until the operation succeeded or failed and returns the final state (a failed
 * operation is a result, not an exception). Honours Retry-After, and throws
 * OsbPollingTimeoutError when maximumPollingDurationMs runs out. Meant for the CLI and
 * tests: controllers poll one step per reconcile instead.
 */
export async function pollLastOperation(
  poll: (signal: AbortSignal) => Promise<LastOperationResult>,
  opts: PollLastOperationOptions = {},
): Promise<LastOperationResult> {
  const defaultIntervalMs = opts.defaultIntervalMs ?? 2000;
  const maxIntervalMs = opts.maxIntervalMs ?? 5 * 60_000;
  const maxErrors = opts.maxConsecutiveErrors ?? 3;
  const limit = opts.maximumPollingDurationMs;
  const deadline = limit !== undefined ? AbortSignal.timeout(limit) : undefined;
  const signals = [opts.signal, deadline].filter((s) => s !== undefined);
  const signal = signals.length > 0 ? AbortSignal.any(signals) : new AbortController().signal;
  let last: LastOperationResult | undefined;
  let errors = 0;
  const timedOut = () =>
    new OsbPollingTimeoutError({
      brokerUrl: opts.brokerUrl,
      maximumPollingDurationMs: limit ?? 0,
      lastOperation: last,
    });

  for (;;) {
    let wait = defaultIntervalMs;
    try {
      const result = await poll(signal);
      errors = 0;
      last = result;
      if (result.state !== 'in progress') return result;
      if (result.retryAfterMs !== undefined) wait = Math.min(result.retryAfterMs, maxIntervalMs);
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (deadline?.aborted) throw timedOut();
      if (!(err instanceof OsbError) || !err.retryable || ++errors > maxErrors) throw err;
    }
    try {
      await sleep(wait, undefined, { signal });
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (deadline?.aborted) throw timedOut();
      throw err;
    }
  }
}
