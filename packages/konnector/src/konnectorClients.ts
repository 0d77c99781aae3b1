import { ResourceClient } from '@klutch/kube';
import type { KubeClient, KubeObject } from '@klutch/kube';
import type {
  BindingObject,
  ClusterBindingObject,
  CrdObject,
  ExportObject,
  SecretObject,
  ServiceNamespaceObject,
} from './konnectorObjects.js';

function klutch<T extends KubeObject>(client: KubeClient, resource: string): ResourceClient<T> {
  return new ResourceClient<T>(client, {
    group: 'klutch.anynines.com',
    version: 'v1alpha1',
    resource,
    namespaced: true,
  });
}

export const bindingsClient = (c: KubeClient) => klutch<BindingObject>(c, 'apiservicebindings');
export const exportsClient = (c: KubeClient) => klutch<ExportObject>(c, 'apiserviceexports');
export const serviceNamespacesClient = (c: KubeClient) =>
  klutch<ServiceNamespaceObject>(c, 'apiservicenamespaces');
export const clusterBindingsClient = (c: KubeClient) => klutch<ClusterBindingObject>(c, 'clusterbindings');

export const secretsClient = (c: KubeClient) =>
  new ResourceClient<SecretObject>(c, { group: '', version: 'v1', resource: 'secrets', namespaced: true });
export const namespacesClient = (c: KubeClient) =>
  new ResourceClient<KubeObject>(c, { group: '', version: 'v1', resource: 'namespaces', namespaced: false });
export const crdsClient = (c: KubeClient) =>
  new ResourceClient<CrdObject>(c, {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    namespaced: false,
  });
