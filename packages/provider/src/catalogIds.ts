import type { OsbCatalog, OsbPlan, OsbService } from '@klutch/broker-clients';

/** The catalog entries of a provisioned instance, by the ids recorded in its status. */
export function findByIds(
  catalog: OsbCatalog,
  serviceId: string,
  planId: string,
): { service: OsbService; plan: OsbPlan } | undefined {
  const service = catalog.services.find((s) => s.id === serviceId);
  const plan = service?.plans.find((p) => p.id === planId);
  return service && plan ? { service, plan } : undefined;
}
