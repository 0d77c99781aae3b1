import {
  apiServiceExportTemplateKind,
  exampleBackendApiServiceExportTemplateKind,
} from './bind/apiServiceExportTemplate.js';
import { backupKind } from './dataservices/backup.js';
import { keyvalueInstanceKind } from './dataservices/keyvalueInstance.js';
import { logme2InstanceKind } from './dataservices/logme2Instance.js';
import { mariadbInstanceKind } from './dataservices/mariadbInstance.js';
import { messagingInstanceKind } from './dataservices/messagingInstance.js';
import { mongodbInstanceKind } from './dataservices/mongodbInstance.js';
import { postgresqlInstanceKind } from './dataservices/postgresqlInstance.js';
import { prometheusInstanceKind } from './dataservices/prometheusInstance.js';
import { restoreKind } from './dataservices/restore.js';
import { searchInstanceKind } from './dataservices/searchInstance.js';
import { serviceBindingKind } from './dataservices/serviceBinding.js';
import { apiServiceBindingKind } from './klutch/apiServiceBinding.js';
import { apiServiceExportKind } from './klutch/apiServiceExport.js';
import { apiServiceExportRequestKind } from './klutch/apiServiceExportRequest.js';
import { apiServiceNamespaceKind } from './klutch/apiServiceNamespace.js';
import { appClusterBindingKind } from './klutch/appClusterBinding.js';
import { bindingProviderJsonSchema, bindingProviderSchema } from './klutch/bindingProvider.js';
import { bindingResponseJsonSchema, bindingResponseSchema } from './klutch/bindingResponse.js';
import { clusterBindingKind } from './klutch/clusterBinding.js';
import { backupResourceKind } from './provider/backupResource.js';
import { providerConfigKind } from './provider/providerConfig.js';
import { providerConfigUsageKind } from './provider/providerConfigUsage.js';
import { restoreResourceKind } from './provider/restoreResource.js';
import { serviceBindingResourceKind } from './provider/serviceBindingResource.js';
import { serviceInstanceKind } from './provider/serviceInstanceResource.js';
import type { AnyKindDefinition } from './schema/crd.js';
import type { JsonSchemaProps } from './schema/jsonSchema.js';
import type { JsonSchemaDocument } from './schema/toJsonSchema.js';

export interface WireKind {
  kind: string;
  description: string;
  schema: JsonSchemaProps;
  jsonSchema: JsonSchemaDocument;
}

/** One API group: its kinds and the introduction of its reference page. */
export interface ApiGroup {
  group: string;
  version: string;
  title: string;
  introduction: string;
  kinds: AnyKindDefinition[];
  wireKinds: WireKind[];
}

export const apiGroups: ApiGroup[] = [
  {
    group: 'klutch.anynines.com',
    version: 'v1alpha1',
    title: 'Binding API',
    introduction:
      'The kinds of the binding protocol. The provider cluster holds APIServiceExportRequest, APIServiceExport, APIServiceNamespace and ClusterBinding in the provider namespace of each consumer; the binding cluster (the app cluster, or the control plane in control-plane mode) holds APIServiceBinding; AppClusterBinding exists only in control-plane mode. All are namespaced and in the category kube-bindings, so `kubectl get kube-bindings` lists them.',
    kinds: [
      apiServiceExportKind,
      apiServiceExportRequestKind,
      apiServiceBindingKind,
      apiServiceNamespaceKind,
      clusterBindingKind,
      appClusterBindingKind,
    ] as AnyKindDefinition[],
    wireKinds: [
      {
        kind: 'BindingProvider',
        description:
          'Returned by GET /export. Its apiVersion is the bare string v1alpha1, which kubectl bind requires.',
        schema: bindingProviderSchema.json,
        jsonSchema: bindingProviderJsonSchema,
      },
      {
        kind: 'BindingResponse',
        description:
          'Handed to the kubectl bind callback after a successful login: the kubeconfig for the provider namespace and the export requests to create.',
        schema: bindingResponseSchema.json,
        jsonSchema: bindingResponseJsonSchema,
      },
    ],
  },
  {
    group: 'bind.anynines.com',
    version: 'v1alpha1',
    title: 'Export templates',
    introduction:
      'Platform operators create one APIServiceExportTemplate per API that app clusters may bind (for example in the namespace crossplane-system). The backend only offers APIs that have a template.',
    kinds: [apiServiceExportTemplateKind] as AnyKindDefinition[],
    wireKinds: [],
  },
  {
    group: 'example-backend.klutch.anynines.com',
    version: 'v1alpha1',
    title: 'Export templates (Klutch v1.5 group)',
    introduction:
      'The same APIServiceExportTemplate as in bind.anynines.com/v1alpha1, in the group the Klutch v1.5 code and its bind/deploy/resources kustomization use. The backend reads both groups alike; a template of the same namespace and name in both groups is a conflict, reported as Ready=False (reason Conflict) on both objects, and the bind.anynines.com one is used.',
    kinds: [exampleBackendApiServiceExportTemplateKind] as AnyKindDefinition[],
    wireKinds: [],
  },
  {
    group: 'anynines.com',
    version: 'v1',
    title: 'Data-service API',
    introduction:
      'What application developers use in their namespaces: one instance kind per data service, ServiceBinding for credentials, Backup and Restore. All are namespaced and in the category dataservices, so `kubectl get dataservices` lists them. Plan changes are checked by the API server: an instance can grow but not shrink, a cluster cannot become a single node, and TLS (the -ssl plans) cannot be switched on or off.',
    kinds: [
      postgresqlInstanceKind,
      mariadbInstanceKind,
      mongodbInstanceKind,
      messagingInstanceKind,
      searchInstanceKind,
      logme2InstanceKind,
      prometheusInstanceKind,
      keyvalueInstanceKind,
      serviceBindingKind,
      backupKind,
      restoreKind,
    ] as AnyKindDefinition[],
    wireKinds: [],
  },
  {
    group: 'dataservices.anynines.com',
    version: 'v1',
    title: 'Provider API',
    introduction:
      'Control-plane only. ProviderConfig connects the provider to an automation backend (an OSB service broker or a backup manager); the composition turns each data-service object into one of the cluster-scoped managed resources, which follow the Crossplane managed-resource conventions (forProvider, atProvider, providerConfigRef, writeConnectionSecretToRef, deletionPolicy, Ready and Synced).',
    kinds: [
      providerConfigKind,
      providerConfigUsageKind,
      serviceInstanceKind,
      serviceBindingResourceKind,
      backupResourceKind,
      restoreResourceKind,
    ] as AnyKindDefinition[],
    wireKinds: [],
  },
];

export const allKinds: AnyKindDefinition[] = apiGroups.flatMap((g) => g.kinds);
