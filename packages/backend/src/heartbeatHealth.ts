import type { ConditionInput } from '@klutch/kube';
import { formatGoDuration, parseGoDuration } from './goDuration.js';

export const healthyCondition = 'Healthy';

export interface HeartbeatStatus {
  lastHeartbeatTime?: string;
  heartbeatInterval?: string;
}

export interface HeartbeatSettings {
  /** A heartbeat further in the future than this means the clocks disagree (default 10 s). */
  maxClockDriftMs?: number;
}

export interface HeartbeatHealth {
  condition: ConditionInput;
  /**
   * When the verdict changes by the mere passing of time, in ms from now: a healthy binding
   * times out, a drift warning ends. Undefined when only a new heartbeat can change it.
   */
  recheckAfterMs?: number;
}

/**
 * The `Healthy` condition of a ClusterBinding (reference 1.6 and 2.9). Timeout after twice the
 * heartbeat interval. The reference's drift check fired for every heartbeat younger than 10 s;
 * here it fires only when the heartbeat lies more than the tolerance in the future of the
 * backend's clock, which is what clock drift means.
 */
export function heartbeatHealth(
  status: HeartbeatStatus | undefined,
  now: Date,
  settings: HeartbeatSettings = {},
): HeartbeatHealth {
  const maxDrift = settings.maxClockDriftMs ?? 10_000;
  const lastText = status?.lastHeartbeatTime;
  const last = lastText ? Date.parse(lastText) : Number.NaN;
  if (!lastText || Number.isNaN(last)) {
    return {
      condition: {
        type: healthyCondition,
        status: 'False',
        severity: 'Info',
        reason: 'FirstHeartbeatPending',
        message: 'Waiting for the first heartbeat of the konnector.',
      },
    };
  }
  const interval = status?.heartbeatInterval ? parseGoDuration(status.heartbeatInterval) : undefined;
  if (interval === undefined || interval <= 0) {
    return {
      condition: {
        type: healthyCondition,
        status: 'False',
        severity: 'Info',
        reason: 'HeartbeatIntervalMissing',
        message: 'The konnector reported no heartbeat interval (status.heartbeatInterval).',
      },
    };
  }
  const ahead = last - now.getTime();
  if (ahead > maxDrift) {
    return {
      condition: {
        type: healthyCondition,
        status: 'False',
        severity: 'Warning',
        reason: 'HeartbeatTimeDrift',
        message: `Clocks of the konnector and the backend are off by more than ${formatGoDuration(maxDrift)}: the last heartbeat (${lastText}) is ${formatGoDuration(Math.round(ahead / 1000) * 1000)} in the future.`,
      },
      recheckAfterMs: ahead - maxDrift + 1000,
    };
  }
  const timeout = 2 * interval;
  const age = now.getTime() - last;
  if (age > timeout) {
    return {
      condition: {
        type: healthyCondition,
        status: 'False',
        severity: 'Error',
        reason: 'HeartbeatTimeout',
        message: `Heartbeat timeout: expected heartbeat within ${formatGoDuration(timeout)}, but last one has been at ${lastText}.`,
      },
    };
  }
  return { condition: { type: healthyCondition, status: 'True' }, recheckAfterMs: timeout - age + 1000 };
}
