import { klutchGroup } from '@klutch/api';
import type { OwnerReference } from '@klutch/kube';
import type {
  ClusterRoleObject,
  ExportObject,
  PolicyRule,
  RoleBindingObject,
  Subject,
} from './backendObjects.js';
import { binderName, binderServiceAccountName, consumerClusterRoleName } from './names.js';

const rbacApiGroup = 'rbac.authorization.k8s.io';
const allVerbs = ['get', 'list', 'watch', 'update', 'patch', 'delete', 'create'];
const readVerbs = ['get', 'list', 'watch'];
const statusVerbs = ['get', 'patch', 'update'];
const writeVerbs = ['create', 'delete', 'patch', 'update', 'get', 'list', 'watch'];

/**
 * What a konnector needs in its own provider namespace (the bootstrap ClusterRole `klutch-binder`,
 * reference 2.7). It is granted only through a RoleBinding in that namespace, so `namespaces get`
 * and `secrets` reach only the provider namespace itself.
 */
export function binderClusterRoleRules(): PolicyRule[] {
  return [
    { apiGroups: [klutchGroup], resources: ['apiserviceexportrequests'], verbs: writeVerbs },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
    { apiGroups: [''], resources: ['secrets'], verbs: readVerbs },
    { apiGroups: [klutchGroup], resources: ['clusterbindings'], verbs: readVerbs },
    { apiGroups: [klutchGroup], resources: ['clusterbindings/status'], verbs: statusVerbs },
    { apiGroups: [klutchGroup], resources: ['apiserviceexports'], verbs: readVerbs },
    { apiGroups: [klutchGroup], resources: ['apiserviceexports/status'], verbs: statusVerbs },
    { apiGroups: [klutchGroup], resources: ['apiservicenamespaces'], verbs: writeVerbs },
  ];
}

export function binderClusterRole(): ClusterRoleObject {
  return {
    apiVersion: `${rbacApiGroup}/v1`,
    kind: 'ClusterRole',
    metadata: { name: binderName, labels: { 'app.kubernetes.io/part-of': 'klutch' } },
    rules: binderClusterRoleRules(),
  };
}

/**
 * The rules of `klutch-binder-<providerNs>`: every resource exported to this consumer and every
 * resource claimed by those exports, with full access. Unlike the reference, duplicates are merged
 * and the order is fixed, so the object only changes when the set of resources changes.
 */
export function consumerClusterRoleRules(exports: readonly ExportObject[]): PolicyRule[] {
  const pairs = new Set<string>();
  for (const e of exports) {
    pairs.add(JSON.stringify([e.spec.group, e.spec.names.plural]));
    for (const c of e.spec.permissionClaims ?? []) pairs.add(JSON.stringify([c.group ?? '', c.resource]));
  }
  return [...pairs].sort().map((p) => {
    const [group, resource] = JSON.parse(p) as [string, string];
    return { apiGroups: [group], resources: [resource], verbs: [...allVerbs] };
  });
}

export function binderSubject(providerNamespace: string): Subject {
  return { kind: 'ServiceAccount', name: binderServiceAccountName, namespace: providerNamespace };
}

export function namespaceOwnerReference(namespace: { name: string; uid: string }): OwnerReference {
  return { apiVersion: 'v1', kind: 'Namespace', name: namespace.name, uid: namespace.uid, controller: true };
}

export function consumerClusterRole(
  providerNamespace: { name: string; uid: string },
  exports: readonly ExportObject[],
): ClusterRoleObject {
  return {
    apiVersion: `${rbacApiGroup}/v1`,
    kind: 'ClusterRole',
    metadata: {
      name: consumerClusterRoleName(providerNamespace.name),
      ownerReferences: [namespaceOwnerReference(providerNamespace)],
    },
    rules: consumerClusterRoleRules(exports),
  };
}

/** Only for consumer scope Cluster: the consumer's rules everywhere (reference 2.7, fixed per D4). */
export function consumerClusterRoleBinding(providerNamespace: {
  name: string;
  uid: string;
}): RoleBindingObject {
  const name = consumerClusterRoleName(providerNamespace.name);
  return {
    apiVersion: `${rbacApiGroup}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, ownerReferences: [namespaceOwnerReference(providerNamespace)] },
    subjects: [binderSubject(providerNamespace.name)],
    roleRef: { apiGroup: rbacApiGroup, kind: 'ClusterRole', name },
  };
}

/** RoleBinding `klutch-binder` in the provider namespace → ClusterRole `klutch-binder`. */
export function providerNamespaceRoleBinding(providerNamespace: string): RoleBindingObject {
  return {
    apiVersion: `${rbacApiGroup}/v1`,
    kind: 'RoleBinding',
    metadata: { name: binderName, namespace: providerNamespace },
    subjects: [binderSubject(providerNamespace)],
    roleRef: { apiGroup: rbacApiGroup, kind: 'ClusterRole', name: binderName },
  };
}

/** RoleBinding `klutch-binder` in a service namespace → the consumer's ClusterRole (scope Namespaced). */
export function serviceNamespaceRoleBinding(
  serviceNamespace: string,
  providerNamespace: string,
): RoleBindingObject {
  return {
    apiVersion: `${rbacApiGroup}/v1`,
    kind: 'RoleBinding',
    metadata: { name: binderName, namespace: serviceNamespace },
    subjects: [binderSubject(providerNamespace)],
    roleRef: {
      apiGroup: rbacApiGroup,
      kind: 'ClusterRole',
      name: consumerClusterRoleName(providerNamespace),
    },
  };
}
