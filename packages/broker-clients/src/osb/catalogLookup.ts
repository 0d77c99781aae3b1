import { CatalogLookupError } from './osbErrors.js';
import type { OsbCatalog, OsbPlan, OsbService } from './osbTypes.js';

/** How many names an error message lists before it says "and N more". */
const MAX_LISTED = 25;

export function listNames(names: string[]): string {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return 'none';
  if (sorted.length <= MAX_LISTED) return sorted.join(', ');
  return `${sorted.slice(0, MAX_LISTED).join(', ')} and ${sorted.length - MAX_LISTED} more`;
}

function planNamed(service: OsbService, planName: string): OsbPlan | undefined {
  return service.plans.find((p) => p.name === planName);
}

function planNotFound(
  brokerUrl: string,
  serviceName: string,
  planName: string,
  plans: string[],
): CatalogLookupError {
  return new CatalogLookupError({
    brokerUrl,
    reason: 'plan-not-found',
    available: plans,
    userMessage: `plan "${planName}" does not exist for service "${serviceName}" (available: ${listNames(plans)})`,
  });
}

/**
 * Finds the service by exact name, else as a prefix of catalog names (brokers such as
 * a9s append a deployment suffix, e.g. a9s-postgresql15-ms-1687789907), and the plan by
 * exact name. When a prefix fits several services, the plan name decides; if it cannot,
 * the name is ambiguous rather than silently bound to whichever service comes first.
 */
export function findServiceAndPlanInCatalog(
  catalog: OsbCatalog,
  serviceName: string,
  planName: string,
  brokerUrl: string,
): { service: OsbService; plan: OsbPlan } {
  const exact = catalog.services.find((s) => s.name === serviceName);
  if (exact) {
    const plan = planNamed(exact, planName);
    if (!plan)
      throw planNotFound(
        brokerUrl,
        exact.name,
        planName,
        exact.plans.map((p) => p.name),
      );
    return { service: exact, plan };
  }
  const candidates = serviceName === '' ? [] : catalog.services.filter((s) => s.name.startsWith(serviceName));
  if (candidates.length === 0) {
    const names = catalog.services.map((s) => s.name);
    throw new CatalogLookupError({
      brokerUrl,
      reason: 'service-not-found',
      available: names,
      userMessage: `service "${serviceName}" is not in the broker's catalog (available: ${listNames(names)})`,
    });
  }
  const withPlan = candidates.flatMap((service) => {
    const plan = planNamed(service, planName);
    return plan ? [{ service, plan }] : [];
  });
  const [only] = withPlan;
  if (only && withPlan.length === 1) return only;
  if (withPlan.length === 0) {
    const [first] = candidates;
    const label = first && candidates.length === 1 ? first.name : serviceName;
    throw planNotFound(
      brokerUrl,
      label,
      planName,
      candidates.flatMap((s) => s.plans.map((p) => p.name)),
    );
  }
  const names = withPlan.map((c) => c.service.name);
  throw new CatalogLookupError({
    brokerUrl,
    reason: 'service-ambiguous',
    available: names,
    userMessage: `service "${serviceName}" matches several services of the broker's catalog that offer plan "${planName}" (${listNames(names)}); use the full service name`,
  });
}

/** Plans may override the service's `bindable`. */
export function isPlanBindable(service: OsbService, plan: OsbPlan): boolean {
  return plan.bindable ?? service.bindable;
}

/** OSB 2.17: whether bindings of this plan can be rotated (plan value overrides the service's). */
export function isBindingRotatable(service: OsbService, plan: OsbPlan): boolean {
  return plan.binding_rotatable ?? service.binding_rotatable ?? false;
}

/** Plans may override the service's `plan_updateable`. */
export function isPlanUpdateable(service: OsbService, plan: OsbPlan): boolean {
  return plan.plan_updateable ?? service.plan_updateable ?? false;
}

/** The plan's maximum_polling_duration in milliseconds; undefined when it sets none. */
export function maximumPollingDurationMs(plan: OsbPlan): number | undefined {
  const s = plan.maximum_polling_duration;
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
}
