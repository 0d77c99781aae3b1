// Public surface of @klutch/broker: start the sandbox broker in-process, or run src/main.ts.
export { defaultPostgresAdminUrl, defaultProvisionDelayMs } from './brokerDefaults.js';
export { BrokerConfigError } from './brokerOptions.js';
export type { BrokerOptions } from './brokerOptions.js';
export { startBroker } from './startBroker.js';
/** The broker's own Redis server on its own, for benchmarks that use it as an external server. */
export { startManagedRedis } from './servers/managedRedis.js';
export type { RunningBroker } from './startBroker.js';
export type { CatalogDocument, CatalogPlan, CatalogService } from './catalog/brokerCatalog.js';
export { planIdFor, serviceIdFor } from './catalog/stableId.js';
