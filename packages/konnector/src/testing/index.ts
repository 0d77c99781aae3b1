// Test and benchmark support: a control plane with test APIs, bound app clusters, the konnector as a process.
export * from './bindingTestbed.js';
export { KonnectorProcess } from './konnectorProcess.js';
