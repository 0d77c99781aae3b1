/**
 * Types of the Open Service Broker API v2.17. Catalog objects keep the wire names
 * (snake_case, as documented by the specification); request and result objects of the
 * client use camelCase.
 */

export interface OsbMaintenanceInfo {
  version: string;
  description?: string;
}

export interface OsbPlan {
  id: string;
  name: string;
  description: string;
  metadata?: Record<string, unknown>;
  free?: boolean;
  /** Overrides the service's `bindable` for this plan. */
  bindable?: boolean;
  plan_updateable?: boolean;
  /** OSB 2.17: bindings of this plan may be rotated (predecessor_binding_id). Overrides the service's value. */
  binding_rotatable?: boolean;
  /** Seconds after which a platform stops polling last_operation. */
  maximum_polling_duration?: number;
  maintenance_info?: OsbMaintenanceInfo;
  schemas?: Record<string, unknown>;
}

export interface OsbService {
  id: string;
  name: string;
  description: string;
  bindable: boolean;
  plans: OsbPlan[];
  tags?: string[];
  requires?: string[];
  metadata?: Record<string, unknown>;
  dashboard_client?: Record<string, unknown>;
  plan_updateable?: boolean;
  binding_rotatable?: boolean;
  instances_retrievable?: boolean;
  bindings_retrievable?: boolean;
  allow_context_updates?: boolean;
}

export interface OsbCatalog {
  services: OsbService[];
}

/** `X-Broker-API-Originating-Identity`: who asked the platform to do this. */
export interface OriginatingIdentity {
  /** Defaults to the client's platform ("kubernetes"). */
  platform?: string;
  /** Platform-specific, e.g. `{ username, uid, groups, extra }` for Kubernetes. */
  value: object;
}

/** Options every broker call accepts. */
export interface OsbRequestOptions {
  signal?: AbortSignal;
  originatingIdentity?: OriginatingIdentity;
  /** `X-Broker-API-Request-Identity`; a new UUID per request when left out. */
  requestIdentity?: string;
}

export interface AsyncOptions extends OsbRequestOptions {
  /** Send `accepts_incomplete=true` (default true): the broker may answer 202 and work asynchronously. */
  acceptsIncomplete?: boolean;
}

export interface ProvisionRequest {
  serviceId: string;
  planId: string;
  parameters?: Record<string, unknown>;
  context?: Record<string, unknown>;
  /** Deprecated by OSB but still required by some brokers (e.g. a9s). */
  organizationGuid?: string;
  spaceGuid?: string;
  maintenanceInfo?: OsbMaintenanceInfo;
}

export interface ProvisionResult {
  kind: 'sync' | 'async';
  operation?: string;
  dashboardUrl?: string;
  /** 200: the instance already existed with identical attributes. */
  alreadyExisted: boolean;
  metadata?: Record<string, unknown>;
}

export interface PreviousValues {
  serviceId?: string;
  planId?: string;
  organizationId?: string;
  spaceId?: string;
  maintenanceInfo?: OsbMaintenanceInfo;
}

export interface UpdateRequest {
  serviceId: string;
  planId?: string;
  parameters?: Record<string, unknown>;
  previousValues?: PreviousValues;
  context?: Record<string, unknown>;
  maintenanceInfo?: OsbMaintenanceInfo;
}

export interface UpdateResult {
  kind: 'sync' | 'async';
  operation?: string;
  dashboardUrl?: string;
  metadata?: Record<string, unknown>;
}

export interface DeprovisionRequest {
  serviceId: string;
  planId: string;
}

export interface DeprovisionResult {
  kind: 'sync' | 'async';
  operation?: string;
  /** 410 Gone: the instance did not exist (any more); counts as success. */
  gone: boolean;
}

export type LastOperationState = 'in progress' | 'succeeded' | 'failed';

export interface LastOperationParams extends OsbRequestOptions {
  operation?: string;
  serviceId?: string;
  planId?: string;
  /**
   * Whether this polls a delete (deprovision/unbind). A 410 Gone then means success.
   * Default true: 410 is only meaningful for deletes; pass false to get an error instead.
   */
  deleting?: boolean;
}

export interface LastOperationResult {
  state: LastOperationState;
  description?: string;
  instanceUsable?: boolean;
  updateRepeatable?: boolean;
  /** From the Retry-After header (seconds or HTTP date). */
  retryAfterMs?: number;
  /** 410 Gone while polling a delete: the resource no longer exists. */
  gone?: boolean;
}

export interface FetchInstanceParams extends OsbRequestOptions {
  serviceId?: string;
  planId?: string;
}

/** GET /v2/service_instances/{id}. */
export interface OsbInstance {
  serviceId?: string;
  planId?: string;
  dashboardUrl?: string;
  parameters?: Record<string, unknown>;
  maintenanceInfo?: OsbMaintenanceInfo;
  metadata?: Record<string, unknown>;
}

/** GET /instances/{id}: the a9s extension, with its fields in camelCase. */
export interface A9sInstance {
  id: string;
  planGuid?: string;
  serviceGuid?: string;
  context?: {
    organizationGuid?: string;
    spaceGuid?: string;
    parameters?: Record<string, unknown>;
  };
  dashboardUrl?: string;
  deploymentName?: string;
  /** e.g. created, provisioned, available, deleted, deleting, deploying, failed. */
  state?: string;
  guidAtTenant?: string;
  tenantId?: string;
  provisionedAt?: string;
  deletedAt?: string;
  createdAt?: string;
  updatedAt?: string;
  credentials?: Array<{ id?: string; instanceId?: string; guidAtTenant?: string }>;
  /** The complete answer, for fields not mapped above. */
  raw: Record<string, unknown>;
}

export interface BindResource {
  appGuid?: string;
  route?: string;
}

export interface BindRequest {
  serviceId: string;
  planId: string;
  parameters?: Record<string, unknown>;
  bindResource?: BindResource;
  context?: Record<string, unknown>;
  /** OSB 2.17 binding rotation: the binding this one replaces. */
  predecessorBindingId?: string;
}

export interface BindingEndpoint {
  host: string;
  ports: string[];
  protocol?: 'tcp' | 'udp' | 'all';
}

export interface VolumeMount {
  driver: string;
  containerDir: string;
  mode: 'r' | 'rw';
  deviceType: 'shared';
  device: { volumeId: string; mountConfig?: Record<string, unknown> };
}

/** What a binding carries, whether from a bind answer or from GET. */
export interface BindingDetails {
  credentials?: Record<string, unknown>;
  /** OSB 2.17 metadata.expires_at. */
  expiresAt?: Date;
  /** OSB 2.17 metadata.renew_before. */
  renewBefore?: Date;
  endpoints?: BindingEndpoint[];
  syslogDrainUrl?: string;
  routeServiceUrl?: string;
  volumeMounts?: VolumeMount[];
  metadata?: Record<string, unknown>;
}

export interface BindResult extends BindingDetails {
  kind: 'sync' | 'async';
  operation?: string;
  /** 200: the binding already existed with identical attributes. */
  alreadyExisted: boolean;
}

export interface OsbBinding extends BindingDetails {
  parameters?: Record<string, unknown>;
}

export interface UnbindRequest {
  serviceId: string;
  planId: string;
}

export type UnbindResult = DeprovisionResult;

/** The OSB calls, as named in errors. */
export type OsbOperation =
  | 'getCatalog'
  | 'findServiceAndPlan'
  | 'provision'
  | 'update'
  | 'deprovision'
  | 'lastOperation'
  | 'fetchInstance'
  | 'fetchA9sInstance'
  | 'probeA9sExtensions'
  | 'bind'
  | 'unbind'
  | 'bindingLastOperation'
  | 'fetchBinding'
  | 'pollLastOperation';
