export { TestCluster, startCluster, startClusters, DEFAULT_CONTROLLERS } from './testCluster.js';
export type { ClusterOptions, KubectlResult } from './testCluster.js';
export { ensureKclusterBinary, KUBERNETES_VERSION } from './kclusterBinary.js';
export type { KclusterBuildOptions, KclusterBuildResult } from './kclusterBinary.js';
export { renderKubeconfig } from './kubeconfigFile.js';
export type { KubeconfigInput } from './kubeconfigFile.js';
export { freePort, freePorts } from './freePort.js';
export { findRepoRoot } from './repoPaths.js';
export { eventually } from './eventually.js';
