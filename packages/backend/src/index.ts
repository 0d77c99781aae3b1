// Public surface of @klutch/backend: the bind operation, credential rotation and the controllers.
export { bindConsumer } from './bindConsumer.js';
export type { BindConsumerOptions, BindConsumerResult, RequestedResource } from './bindConsumer.js';
export { rotateConsumerCredentials } from './rotateConsumerCredentials.js';
export type { RotateConsumerCredentialsOptions } from './rotateConsumerCredentials.js';
export { startBackend, backendComponent } from './backend.js';
export type { BackendHandle, BackendOptions } from './backend.js';
export type { ClusterScopedIsolation, ConsumerScope } from './backendSettings.js';
export type { KubeconfigSettings } from './consumerKubeconfig.js';
export type { CredentialTimings } from './credentialSchedule.js';
export { defaultCredentialTimings } from './credentialSchedule.js';
export type { RequestTimings } from './exportRequestPhase.js';
export {
  identityAnnotation,
  legacyIdentityAnnotation,
  serviceNamespaceName,
  sourceSpecHashAnnotation,
  tokenExpirationAnnotation,
} from './names.js';
