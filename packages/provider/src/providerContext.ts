import type { BackupManagerClient, OsbClient } from '@klutch/broker-clients';
import type { Informer, KubeClient, ResourceClient } from '@klutch/kube';
import type { BackendSettings } from './backendSettings.js';
import type { EventRecorder } from '@klutch/kube';
import type {
  BackupMr,
  ProviderConfigObject,
  RestoreMr,
  SecretObject,
  ServiceBindingMr,
  ServiceInstanceMr,
} from './managedResources.js';
import type { PlatformIdentity } from './osbContext.js';
import type { OperationPollSchedule } from './operationPollSchedule.js';
import type { RetryGate } from './retryGate.js';

export interface ProviderTiming {
  /** Re-observe Ready resources this often (--poll). */
  pollIntervalMs: number;
  /** Poll an operation in progress this often when the backend sends no Retry-After. */
  operationPollIntervalMs: number;
  /** Look again this often while waiting for another resource (instance not ready, bindings left). */
  waitIntervalMs: number;
}

/** Everything the reconcilers share; built once by startProvider and passed explicitly. */
export interface ProviderContext {
  kube: KubeClient;
  instances: ResourceClient<ServiceInstanceMr>;
  bindings: ResourceClient<ServiceBindingMr>;
  backups: ResourceClient<BackupMr>;
  restores: ResourceClient<RestoreMr>;
  providerConfigs: ResourceClient<ProviderConfigObject>;
  secrets: ResourceClient<SecretObject>;
  instanceInformer: Informer<ServiceInstanceMr>;
  bindingInformer: Informer<ServiceBindingMr>;
  backupInformer: Informer<BackupMr>;
  restoreInformer: Informer<RestoreMr>;
  providerConfigInformer: Informer<ProviderConfigObject>;
  /** Reads a ProviderConfig and its Secrets and returns the (cached) client for it. */
  osbClientFor(
    providerConfigName: string,
    signal?: AbortSignal,
  ): Promise<{ client: OsbClient; settings: BackendSettings }>;
  backupManagerClientFor(
    providerConfigName: string,
    signal?: AbortSignal,
  ): Promise<{ client: BackupManagerClient; settings: BackendSettings }>;
  readSettings(providerConfigName: string, signal?: AbortSignal): Promise<BackendSettings>;
  events: EventRecorder;
  /** Back-off of failed changes at backends (provision, bind, backup, ...). */
  gate: RetryGate;
  /** When to poll running backend operations again (fast at first, then backing off). */
  operationPolls: OperationPollSchedule;
  /** Back-off of other failed reconciles, capped at the poll interval. */
  failureBackoff: RetryGate;
  platform: PlatformIdentity;
  timing: ProviderTiming;
  now(): Date;
}
