import type { CrossplaneCondition } from '@klutch/api';
import { checkBrokerHealth, type BackendConnection } from '@klutch/broker-clients';
import { setCondition, type Reconciler } from '@klutch/kube';
import { ProviderConfigError, type BackendSettings } from './backendSettings.js';
import { userMessageOf } from './errorMessages.js';
import { healthTransitionEvent, nextHealthCheckInMs, type HealthIntervals } from './healthSchedule.js';
import type { ProviderConfigObject } from './managedResources.js';
import { writeStatus } from './objectWrites.js';
import type { ProviderContext } from './providerContext.js';

/** The condition a ProviderConfig gets from its health checks (besides `status.health`). */
export const HEALTHY = 'Healthy';

export function backendConnection(settings: BackendSettings): BackendConnection {
  return {
    url: settings.url,
    ...(settings.username !== undefined
      ? { auth: { username: settings.username, password: settings.password ?? '' } }
      : {}),
    ...(settings.caPem !== undefined ? { caPem: settings.caPem } : {}),
    ...(settings.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
    ...(settings.serverName !== undefined ? { serverName: settings.serverName } : {}),
  };
}

/**
 * Checks each ProviderConfig's backend on a timer (reference 6.8): every `healthyMs` while it
 * answers, every `unhealthyMs` while it does not, at once for a new config or one whose
 * lastCheckTime was cleared. The result goes to `status.health` and the Healthy condition;
 * transitions also become Events.
 */
export function providerConfigHealthReconciler(
  ctx: ProviderContext,
  intervals: HealthIntervals,
  checkTimeoutMs = 10_000,
): Reconciler {
  return async (key, { signal, logger }) => {
    const pc = await ctx.providerConfigs.tryGet(key, { signal });
    if (!pc) return;
    const previous = pc.status?.health;
    const due = nextHealthCheckInMs(previous, ctx.now(), intervals);
    if (due > 0) return { requeueAfterMs: due };

    let healthy: boolean;
    let message: string;
    try {
      const settings = await ctx.readSettings(key, signal);
      const result = await checkBrokerHealth(
        settings.serviceType,
        backendConnection(settings),
        settings.healthCheckEndpoint,
        {
          timeoutMs: checkTimeoutMs,
          signal,
        },
      );
      healthy = result.healthy;
      message = result.message;
    } catch (err) {
      if (signal.aborted) throw err;
      healthy = false;
      message =
        err instanceof ProviderConfigError
          ? `Extracting credentials: ${err.userMessage}`
          : userMessageOf(err);
      if (!(err instanceof ProviderConfigError)) logger.error({ err }, 'health check failed');
    }
    const now = ctx.now();
    const status = structuredClone(pc.status ?? {});
    status.health = {
      lastCheckTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
      lastStatus: healthy,
      lastMessage: message,
    };
    status.conditions = setCondition(
      status.conditions,
      {
        type: HEALTHY,
        status: healthy ? 'True' : 'False',
        reason: healthy ? 'HealthCheckSucceeded' : 'HealthCheckFailed',
        message,
        observedGeneration: pc.metadata.generation,
      },
      now,
    ) as CrossplaneCondition[];
    await writeStatus<ProviderConfigObject>(ctx.providerConfigs, pc, status, signal);
    const event = healthTransitionEvent(previous, healthy, message);
    if (event) await ctx.events.record(pc, event.type, event.reason, event.message);
    if (!healthy) logger.warn({ providerConfig: key, message }, 'backend unhealthy');
    return { requeueAfterMs: healthy ? intervals.healthyMs : intervals.unhealthyMs };
  };
}
