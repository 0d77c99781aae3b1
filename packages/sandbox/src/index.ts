export { installCrds, readCrds } from './crdInstaller.js';
export { applyProviderConfigs, providerConfigObjects } from './providerConfigs.js';
export type { BackendEndpoint } from './providerConfigs.js';
export { offeredServiceTypes, startDataServicesStack } from './dataServicesStack.js';
export type { DataServicesStack, DataServicesStackOptions } from './dataServicesStack.js';
export { bindAppCluster, clusterIdOf, dataServiceApis } from './appClusterBinding.js';
export type { AppClusterBindingResult, ExportedApi } from './appClusterBinding.js';
