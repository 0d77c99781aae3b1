import type {
  BackupResource,
  ProviderConfig,
  ProviderConfigUsage,
  RestoreResource,
  ServiceBindingResource,
  ServiceInstance,
} from '@klutch/api';
import type { KubeObject, ObjectMeta, ResourceScope } from '@klutch/kube';

// The forProvider shapes come from the CRD schemas in @klutch/api.
export type ServiceInstanceForProvider = NonNullable<ServiceInstance['spec']>['forProvider'];
export type ServiceBindingForProvider = NonNullable<ServiceBindingResource['spec']>['forProvider'];
export type BackupForProvider = NonNullable<BackupResource['spec']>['forProvider'];
export type RestoreForProvider = NonNullable<RestoreResource['spec']>['forProvider'];
export type OriginatingIdentityField = NonNullable<ServiceInstanceForProvider['originatingIdentity']>;

type ManagedSpec = Omit<NonNullable<ServiceInstance['spec']>, 'forProvider'>;

/** A managed resource as the provider reads it: the runtime's metadata plus typed spec and status. */
type Managed<O extends { status?: unknown }, F> = Omit<KubeObject, 'metadata'> & {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: ManagedSpec & { forProvider: F };
  status?: O['status'];
};

export type ServiceInstanceMr = Managed<ServiceInstance, ServiceInstanceForProvider>;
export type ServiceBindingMr = Managed<ServiceBindingResource, ServiceBindingForProvider>;
export type BackupMr = Managed<BackupResource, BackupForProvider>;
export type RestoreMr = Managed<RestoreResource, RestoreForProvider>;
export type AnyManagedResource = ServiceInstanceMr | ServiceBindingMr | BackupMr | RestoreMr;

export type ServiceInstanceStatusT = NonNullable<ServiceInstanceMr['status']>;
export type ServiceBindingStatusT = NonNullable<ServiceBindingMr['status']>;
export type BackupStatusT = NonNullable<BackupMr['status']>;
export type RestoreStatusT = NonNullable<RestoreMr['status']>;

/** A ProviderConfigUsage with the runtime's metadata (its fields are at the top level). */
export type ProviderConfigUsageObject = Omit<KubeObject, 'metadata'> & {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
} & Pick<ProviderConfigUsage, 'providerConfigRef' | 'resourceRef'>;

export type ProviderConfigObject = Omit<KubeObject, 'metadata'> & {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: ProviderConfig['spec'];
  status?: ProviderConfig['status'];
};

export interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export const providerApiVersion = 'dataservices.anynines.com/v1';

const mr = (resource: string): ResourceScope => ({
  group: 'dataservices.anynines.com',
  version: 'v1',
  resource,
  namespaced: false,
});

export const serviceInstanceScope = mr('serviceinstances');
export const serviceBindingScope = mr('servicebindings');
export const backupScope = mr('backups');
export const restoreScope = mr('restores');
export const providerConfigScope = mr('providerconfigs');
export const providerConfigUsageScope = mr('providerconfigusages');
export const secretScope: ResourceScope = { group: '', version: 'v1', resource: 'secrets', namespaced: true };
export const eventScope: ResourceScope = { group: '', version: 'v1', resource: 'events', namespaced: true };
