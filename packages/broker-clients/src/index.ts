export { ServiceClientError } from './serviceClientError.js';
export { ClientConfigurationError } from './http/displayUrl.js';
export type { TlsSettings } from './http/tlsSettings.js';

export { OsbClient } from './osb/osbClient.js';
export type { OsbClientOptions } from './osb/osbClient.js';
export { OSB_API_VERSION, encodeOriginatingIdentity } from './osb/osbHeaders.js';
export type { BrokerAuth } from './osb/osbHeaders.js';
export {
  CatalogLookupError,
  OsbError,
  OsbMalformedResponseError,
  OsbPollingTimeoutError,
  OsbTimeoutError,
  OsbUnreachableError,
  isOsbError,
} from './osb/osbErrors.js';
export type { CatalogLookupReason } from './osb/osbErrors.js';
export {
  findServiceAndPlanInCatalog,
  isBindingRotatable,
  isPlanBindable,
  isPlanUpdateable,
  maximumPollingDurationMs,
} from './osb/catalogLookup.js';
export { kubernetesContext } from './osb/kubernetesContext.js';
export type { KubernetesContext, KubernetesContextInput } from './osb/kubernetesContext.js';
export { pollLastOperation } from './osb/lastOperationPolling.js';
export type { PollLastOperationOptions } from './osb/lastOperationPolling.js';
export { orphanMitigationFor, outcomeOfError } from './osb/orphanMitigation.js';
export type {
  OrphanMitigationAction,
  OrphanMitigationReport,
  OrphanMitigationTask,
  OsbCallOutcome,
} from './osb/orphanMitigation.js';
export {
  bindWithOrphanMitigation,
  provisionWithOrphanMitigation,
  runOrphanMitigation,
} from './osb/orphanMitigatingCalls.js';
export { bindingNeedsRenewal } from './osb/bindingRotation.js';
export type { RenewableBinding, RenewalPolicy } from './osb/bindingRotation.js';
export type * from './osb/osbTypes.js';

export { BackupManagerClient } from './backupManager/backupManagerClient.js';
export type { BackupManagerClientOptions } from './backupManager/backupManagerClient.js';
export {
  BackupFileDeletionFailedError,
  BackupLockedError,
  BackupManagerError,
  BackupManagerMalformedResponseError,
  BackupManagerTimeoutError,
  BackupNonRestorableStateError,
  BackupNotFoundError,
  InstanceNotFoundError,
  RestoreInProgressError,
} from './backupManager/backupManagerErrors.js';
export { backupStatuses, isBackupStatus } from './backupManager/backupManagerTypes.js';
export type * from './backupManager/backupManagerTypes.js';

export { checkBrokerHealth, DEFAULT_HEALTH_CHECK_ENDPOINT } from './healthCheck.js';
export type { BackendConnection, BackendKind, HealthCheckOptions, HealthCheckResult } from './healthCheck.js';
