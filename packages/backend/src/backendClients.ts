import {
  apiServiceExportTemplateKind,
  bindGroup,
  bindVersion,
  exampleBackendGroup,
  klutchGroup,
  klutchVersion,
} from '@klutch/api';
import { ResourceClient } from '@klutch/kube';
import type { KubeClient, KubeObject } from '@klutch/kube';
import type {
  AdmissionPolicyBindingObject,
  AdmissionPolicyObject,
  ClusterBindingObject,
  ClusterRoleObject,
  ConfigMapObject,
  CrdObject,
  ExportObject,
  ExportRequestObject,
  ExportTemplateObject,
  NamespaceObject,
  RoleBindingObject,
  SecretObject,
  ServiceNamespaceObject,
} from './backendObjects.js';

/** One typed client per resource the backend reads or writes. */
export interface BackendClients {
  client: KubeClient;
  namespaces: ResourceClient<NamespaceObject>;
  serviceAccounts: ResourceClient<KubeObject>;
  secrets: ResourceClient<SecretObject>;
  configMaps: ResourceClient<ConfigMapObject>;
  roleBindings: ResourceClient<RoleBindingObject>;
  clusterRoles: ResourceClient<ClusterRoleObject>;
  clusterRoleBindings: ResourceClient<RoleBindingObject>;
  crds: ResourceClient<CrdObject>;
  exports: ResourceClient<ExportObject>;
  exportRequests: ResourceClient<ExportRequestObject>;
  serviceNamespaces: ResourceClient<ServiceNamespaceObject>;
  clusterBindings: ResourceClient<ClusterBindingObject>;
  /** Templates in bind.anynines.com (seed 001, the v1.4 bundle). */
  templates: ResourceClient<ExportTemplateObject>;
  /** The same kind in example-backend.klutch.anynines.com (the Klutch v1.5 code). */
  exampleBackendTemplates: ResourceClient<ExportTemplateObject>;
  admissionPolicies: ResourceClient<AdmissionPolicyObject>;
  admissionPolicyBindings: ResourceClient<AdmissionPolicyBindingObject>;
}

export function backendClients(client: KubeClient): BackendClients {
  const core = <T extends KubeObject>(resource: string, namespaced: boolean) =>
    new ResourceClient<T>(client, { group: '', version: 'v1', resource, namespaced });
  const rbac = <T extends KubeObject>(resource: string, namespaced: boolean) =>
    new ResourceClient<T>(client, {
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      resource,
      namespaced,
    });
  const admission = <T extends KubeObject>(resource: string) =>
    new ResourceClient<T>(client, {
      group: 'admissionregistration.k8s.io',
      version: 'v1',
      resource,
      namespaced: false,
    });
  const klutch = <T extends KubeObject>(resource: string) =>
    new ResourceClient<T>(client, { group: klutchGroup, version: klutchVersion, resource, namespaced: true });
  return {
    client,
    namespaces: core('namespaces', false),
    serviceAccounts: core('serviceaccounts', true),
    secrets: core('secrets', true),
    configMaps: core('configmaps', true),
    roleBindings: rbac('rolebindings', true),
    clusterRoles: rbac('clusterroles', false),
    clusterRoleBindings: rbac('clusterrolebindings', false),
    crds: new ResourceClient<CrdObject>(client, {
      group: 'apiextensions.k8s.io',
      version: 'v1',
      resource: 'customresourcedefinitions',
      namespaced: false,
    }),
    exports: klutch('apiserviceexports'),
    exportRequests: klutch('apiserviceexportrequests'),
    serviceNamespaces: klutch('apiservicenamespaces'),
    clusterBindings: klutch('clusterbindings'),
    templates: new ResourceClient<ExportTemplateObject>(client, {
      group: bindGroup,
      version: bindVersion,
      resource: apiServiceExportTemplateKind.plural,
      namespaced: true,
    }),
    exampleBackendTemplates: new ResourceClient<ExportTemplateObject>(client, {
      group: exampleBackendGroup,
      version: bindVersion,
      resource: apiServiceExportTemplateKind.plural,
      namespaced: true,
    }),
    admissionPolicies: admission('validatingadmissionpolicies'),
    admissionPolicyBindings: admission('validatingadmissionpolicybindings'),
  };
}
