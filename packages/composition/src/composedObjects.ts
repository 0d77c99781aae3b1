import type {
  Backup,
  BackupResource,
  CrossplaneCondition,
  PostgresqlInstanceStatus,
  Restore,
  RestoreResource,
  ServiceBinding,
  ServiceBindingResource,
  ServiceInstance,
} from '@klutch/api';
import type { KubeObject } from '@klutch/kube';

/**
 * A kind from @klutch/api in the shape the runtime's clients and informers work with (the API
 * package declares its objects without the runtime's open index signature).
 */
export type Resource<T extends { spec: unknown; status?: unknown }> = KubeObject & {
  spec: T['spec'];
  status?: T['status'];
};

/** Any app-facing object as the generic reconciler sees it. */
export type Claim = KubeObject & {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: CrossplaneCondition[] };
};

/** Any managed resource as the generic reconciler sees it. */
export type ManagedResource = KubeObject & {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: CrossplaneCondition[] };
};

/** Every instance kind shares these spec fields; parameters differ per service. */
export type InstanceClaim = KubeObject & {
  spec: {
    service: string;
    plan: string;
    parameters?: Record<string, unknown>;
    acceptsIncomplete?: boolean;
  };
  status?: InstanceClaimStatus;
};
/** The status of every instance kind has the same shape. */
export type InstanceClaimStatus = PostgresqlInstanceStatus;

export type ServiceBindingClaim = Resource<ServiceBinding>;
export type BackupClaim = Resource<Backup>;
export type RestoreClaim = Resource<Restore>;

// @klutch/api types `spec.forProvider` of the managed resources as `unknown` (its generic
// managedResourceSpec() loses the schema's type), so the fields the composition writes are
// declared here, following the CRDs.

export interface ServiceInstanceForProvider {
  serviceName: string;
  planName: string;
  acceptsIncomplete?: boolean;
  organizationGuid?: string;
  spaceGuid?: string;
  parameters?: Record<string, unknown>;
  context?: Record<string, string>;
}

export interface ServiceBindingForProvider {
  instanceName: string;
  acceptsIncomplete?: boolean;
}

export interface BackupForProvider {
  instanceName: string;
}

export interface RestoreForProvider {
  backupName: string;
}

/** A managed resource of kind `T` whose forProvider has the type `F`. */
type Managed<T extends { spec: unknown; status?: unknown }, F> = KubeObject & {
  spec: Omit<T['spec'], 'forProvider'> & { forProvider: F };
  status?: T['status'];
};

export type ServiceInstanceResource = Managed<ServiceInstance, ServiceInstanceForProvider>;
export type ServiceBindingManagedResource = Managed<ServiceBindingResource, ServiceBindingForProvider>;
export type BackupManagedResource = Managed<BackupResource, BackupForProvider>;
export type RestoreManagedResource = Managed<RestoreResource, RestoreForProvider>;

/** A core/v1 Secret. */
export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
