export { KubeConfig, loadKubeConfig, parseKubeConfigText } from './kubeConfig.js';
export {
  RemoteKubeConfigError,
  describeKubeConfigViolations,
  inlineMaterialRule,
  loadRemoteKubeConfig,
  remoteKubeConfigViolations,
} from './remoteKubeConfig.js';
export type { KubeConfigViolation } from './remoteKubeConfig.js';
export type {
  ConnectionOptions,
  ExecConfig,
  KubeConfigCluster,
  KubeConfigContext,
  KubeConfigSource,
  KubeConfigUser,
} from './kubeConfig.js';
export { KubeClient } from './kubeClient.js';
export type { KubeClientOptions, Query, RequestOptions, WatchEvent } from './kubeClient.js';
export {
  KubeApiError,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isNotFound,
} from './kubeApiError.js';
export type { ApiStatus } from './kubeApiError.js';
export { apiVersionOf, objectKey, parseApiVersion, splitObjectKey } from './kubeObject.js';
export type {
  GroupVersionKind,
  GroupVersionResource,
  KubeList,
  KubeObject,
  ObjectMeta,
  OwnerReference,
} from './kubeObject.js';
export { Discovery } from './discovery.js';
export type { ResourceInfo } from './discovery.js';
export { DynamicClient } from './dynamicClient.js';
export { ResourceClient } from './resourceClient.js';
export type {
  ApplyOptions,
  DeleteOptions,
  ListOptions,
  PatchType,
  ResourceScope,
  WriteOptions,
} from './resourceClient.js';
export { createMergePatch, createMergePatchWithPreconditions, deepEqual } from './mergePatch.js';
export { addFinalizer, hasFinalizer, isBeingDeleted, removeFinalizer } from './finalizers.js';
export * from './conditions.js';
export { Informer } from './informer.js';
export type { InformerHandlers, InformerOptions, InformerSource } from './informer.js';
export { InformerSet } from './informerSet.js';
export type { InformerScope, InformerSetOptions } from './informerSet.js';
export { MutationCache } from './mutationCache.js';
export type { MutationCacheOptions } from './mutationCache.js';
export { Workqueue } from './workqueue.js';
export type { WorkqueueMetricsSink, WorkqueueOptions } from './workqueue.js';
export * from './rateLimiter.js';
export { Controller } from './controller.js';
export type {
  ControllerOptions,
  KeyMapper,
  ReconcileContext,
  ReconcileOutcome,
  Reconciler,
} from './controller.js';
export { LeaderElector, microTime } from './leaderElection.js';
export type { Lease, LeaderElectionOptions } from './leaderElection.js';
export { takeLeaderElectionFlag } from './leaderElectionFlag.js';
export type { LeaderElectionFlag } from './leaderElectionFlag.js';
export { currentLeadership, LeadershipLostError, runUnderLeadership } from './leadershipScope.js';
export { defaultLeaseTiming, leaseTimingProblem } from './leaseTiming.js';
export type { LeaseTiming } from './leaseTiming.js';
export { RuntimeMetrics } from './metrics.js';
export type { ReconcileResult } from './metrics.js';
export { createLogger, silentLogger } from './logger.js';
export { isDnsLabel, isDnsSubdomain, logLevels } from './nameChecks.js';
export { capName, maxDnsLabelLength, maxDnsSubdomainLength } from './nameCapping.js';
export type { Logger, LoggerConfig } from './logger.js';
export { EventRecorder } from './eventRecorder.js';
export type { CoreEvent, EventRecorderOptions, EventType } from './eventRecorder.js';
export { crdClient, waitForCrdEstablished } from './customResourceDefinitions.js';
export type { CustomResourceDefinition } from './customResourceDefinitions.js';
export { cachesSynced, startObservabilityServer } from './observabilityServer.js';
export type { ObservabilityServerOptions } from './observabilityServer.js';
export { Backoff, sleep } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
