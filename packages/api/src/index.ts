// Public surface of @klutch/api: the kind definitions (with their CRDs), the TypeScript types of
// every kind, the wire formats, the data-service catalogs and the generator entry points.

export type { KubeObject, ObjectMeta, OwnerReference } from './schema/objectMeta.js';
export type {
  CustomResourceDefinition,
  KindDefinition,
  ObjectOf,
  PrinterColumn,
  SpecOf,
  StatusOf,
} from './schema/crd.js';
export type { JsonSchemaProps, ValidationRule } from './schema/jsonSchema.js';
export type { JsonSchemaDocument } from './schema/toJsonSchema.js';
export type { CrossplaneCondition, KlutchCondition } from './common/conditions.js';
export type { ContainerOverrides } from './common/container.js';

export { allKinds, apiGroups } from './registry.js';
export type { ApiGroup, WireKind } from './registry.js';

// klutch.anynines.com/v1alpha1
export { klutchApiVersion, klutchGroup, klutchVersion } from './klutch/group.js';
export { apiServiceExportKind, clusterNamespaceAnnotation } from './klutch/apiServiceExport.js';
export type {
  APIServiceExport,
  APIServiceExportSpec,
  APIServiceExportStatus,
} from './klutch/apiServiceExport.js';
export { apiServiceExportRequestKind, exportRequestPhases } from './klutch/apiServiceExportRequest.js';
export type {
  APIServiceExportRequest,
  APIServiceExportRequestSpec,
  APIServiceExportRequestStatus,
} from './klutch/apiServiceExportRequest.js';
export { apiServiceBindingKind, resourcesAnnotation } from './klutch/apiServiceBinding.js';
export type {
  APIServiceBinding,
  APIServiceBindingSpec,
  APIServiceBindingStatus,
} from './klutch/apiServiceBinding.js';
export { apiServiceNamespaceAnnotation, apiServiceNamespaceKind } from './klutch/apiServiceNamespace.js';
export type { APIServiceNamespace, APIServiceNamespaceStatus } from './klutch/apiServiceNamespace.js';
export { clusterBindingKind, clusterBindingName } from './klutch/clusterBinding.js';
export type { ClusterBinding, ClusterBindingSpec, ClusterBindingStatus } from './klutch/clusterBinding.js';
export { appClusterBindingFinalizer, appClusterBindingKind } from './klutch/appClusterBinding.js';
export type {
  AppClusterBinding,
  AppClusterBindingSpec,
  AppClusterBindingStatus,
} from './klutch/appClusterBinding.js';
export type { AcceptablePermissionClaim, PermissionClaim } from './klutch/permissionClaim.js';
export { bindingProviderJsonSchema, bindingProviderSchema } from './klutch/bindingProvider.js';
export type { BindingProvider } from './klutch/bindingProvider.js';
export {
  apiServiceExportRequestResponseSchema,
  bindingResponseJsonSchema,
  bindingResponseSchema,
} from './klutch/bindingResponse.js';
export type { APIServiceExportRequestResponse, BindingResponse } from './klutch/bindingResponse.js';

// bind.anynines.com/v1alpha1
export {
  apiServiceExportTemplateKind,
  bindGroup,
  bindVersion,
  exampleBackendApiServiceExportTemplateKind,
  exampleBackendGroup,
  exportTemplateGroups,
} from './bind/apiServiceExportTemplate.js';
export type {
  APIServiceExportTemplate,
  APIServiceExportTemplateSpec,
  APIServiceExportTemplateStatus,
} from './bind/apiServiceExportTemplate.js';

// anynines.com/v1
export { dataServicesGroup, dataServicesVersion } from './dataservices/group.js';
export { serviceInstanceTypes } from './dataservices/instanceCommon.js';
export type { DataServiceCatalog, ServiceInstanceType } from './dataservices/instanceCommon.js';
export type { PlanChangePolicy } from './dataservices/planRules.js';
export { postgresqlCatalog, postgresqlInstanceKind } from './dataservices/postgresqlInstance.js';
export type {
  PostgresqlInstance,
  PostgresqlInstanceSpec,
  PostgresqlInstanceStatus,
  PostgresqlPlan,
} from './dataservices/postgresqlInstance.js';
export { mariadbCatalog, mariadbInstanceKind } from './dataservices/mariadbInstance.js';
export type {
  MariadbInstance,
  MariadbInstanceSpec,
  MariadbInstanceStatus,
} from './dataservices/mariadbInstance.js';
export { mongodbCatalog, mongodbInstanceKind } from './dataservices/mongodbInstance.js';
export type {
  MongodbInstance,
  MongodbInstanceSpec,
  MongodbInstanceStatus,
} from './dataservices/mongodbInstance.js';
export { messagingCatalog, messagingInstanceKind } from './dataservices/messagingInstance.js';
export type {
  MessagingInstance,
  MessagingInstanceSpec,
  MessagingInstanceStatus,
} from './dataservices/messagingInstance.js';
export { searchCatalog, searchInstanceKind } from './dataservices/searchInstance.js';
export type {
  SearchInstance,
  SearchInstanceSpec,
  SearchInstanceStatus,
} from './dataservices/searchInstance.js';
export { logme2Catalog, logme2InstanceKind } from './dataservices/logme2Instance.js';
export type {
  Logme2Instance,
  Logme2InstanceSpec,
  Logme2InstanceStatus,
} from './dataservices/logme2Instance.js';
export { prometheusCatalog, prometheusInstanceKind } from './dataservices/prometheusInstance.js';
export type {
  PrometheusInstance,
  PrometheusInstanceSpec,
  PrometheusInstanceStatus,
} from './dataservices/prometheusInstance.js';
export {
  clusteredOnlyKeyvalueParameters,
  keyvalueCatalog,
  keyvalueInstanceKind,
} from './dataservices/keyvalueInstance.js';
export type {
  KeyvalueInstance,
  KeyvalueInstanceSpec,
  KeyvalueInstanceStatus,
} from './dataservices/keyvalueInstance.js';
export { credentialSecretKeys, serviceBindingKind } from './dataservices/serviceBinding.js';
export type {
  ServiceBinding,
  ServiceBindingSpec,
  ServiceBindingStatus,
} from './dataservices/serviceBinding.js';
export { backupKind, backupStates } from './dataservices/backup.js';
export type { Backup, BackupSpec, BackupStatus } from './dataservices/backup.js';
export { restoreKind } from './dataservices/restore.js';
export type { Restore, RestoreSpec, RestoreStatus } from './dataservices/restore.js';

// dataservices.anynines.com/v1
export { managedResourceCategories, providerGroup, providerVersion } from './provider/group.js';
export {
  backupManagerNameSuffix,
  effectiveServiceType,
  providerConfigKind,
  providerServiceTypes,
} from './provider/providerConfig.js';
export type {
  ProviderConfig,
  ProviderConfigSpec,
  ProviderConfigStatus,
  ProviderServiceType,
} from './provider/providerConfig.js';
export { instanceStates, serviceInstanceKind } from './provider/serviceInstanceResource.js';
export type {
  ServiceInstance,
  ServiceInstanceSpec,
  ServiceInstanceStatus,
} from './provider/serviceInstanceResource.js';
export { serviceBindingResourceKind } from './provider/serviceBindingResource.js';
export type {
  ServiceBindingResource,
  ServiceBindingResourceSpec,
  ServiceBindingResourceStatus,
} from './provider/serviceBindingResource.js';
export { backupManagerStates, backupResourceKind } from './provider/backupResource.js';
export type { BackupResource, BackupResourceSpec, BackupResourceStatus } from './provider/backupResource.js';
export { restoreResourceKind } from './provider/restoreResource.js';
export { providerConfigUsageKind, providerConfigUsageLabel } from './provider/providerConfigUsage.js';
export type { ProviderConfigUsage } from './provider/providerConfigUsage.js';
export type {
  RestoreResource,
  RestoreResourceSpec,
  RestoreResourceStatus,
} from './provider/restoreResource.js';

// Generator entry points
export { crdFileName, crdToYaml, crdsToYamlStream } from './generate/crdYaml.js';
export { docsFileName, groupDocs } from './generate/apiDocs.js';
export { generatedFiles } from './generate/outputs.js';
