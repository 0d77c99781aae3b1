// Public surface of @klutch/provider.
export { startProvider } from './provider.js';
export type { ProviderOptions, RunningProvider } from './provider.js';
export { parseCommandLine, usage } from './commandLine.js';
export type { ProviderCommandLine } from './commandLine.js';
export { flattenCredentials } from './credentialFlattening.js';
export { parameterDiff } from './parameterDiff.js';
export { backendHealth } from './healthSchedule.js';
export type { HealthIntervals } from './healthSchedule.js';
export * from './names.js';
