import { klutchGroup } from '@klutch/api';
import type { OwnerReference } from '@klutch/kube';
import type {
  ClusterRoleObject,
  ExportObject,
  PolicyRule,
  RoleBindingObject,
  Subject,
} from './backendObjects.js';
import type { ClusterScopedIsolation, ConsumerScope } from './backendSettings.js';
import {
  binderName,
  binderServiceAccountName,
  consumerClusterRoleName,
  consumerClusterWideRoleName,
} from './names.js';
import { grantedClusterWide } from './tenantIsolation.js';

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

type GroupResource = readonly [group: string, resource: string];

/** Full-access rules for a set of resources, deduplicated and in a fixed order. */
function fullAccessRules(resources: Iterable<GroupResource>): PolicyRule[] {
  const pairs = new Set<string>();
  for (const r of resources) pairs.add(JSON.stringify(r));
  return [...pairs].sort().map((p) => {
    const [group, resource] = JSON.parse(p) as [string, string];
    return { apiGroups: [group], resources: [resource], verbs: [...allVerbs] };
  });
}

function exportedResource(e: ExportObject): GroupResource {
  return [e.spec.group, e.spec.names.plural];
}

/**
 * The rules of `klutch-binder-<providerNs>`: every resource exported to this consumer and every
 * resource claimed by those exports, with full access. It is bound only in the consumer's service
 * namespaces, so claimed resources such as Secrets never reach beyond them. Unlike the reference,
 * duplicates are merged and the order is fixed, so the object only changes when the set changes.
 */
export function consumerClusterRoleRules(exports: readonly ExportObject[]): PolicyRule[] {
  const resources: GroupResource[] = [];
  for (const e of exports) {
    resources.push(exportedResource(e));
    for (const c of e.spec.permissionClaims ?? []) resources.push([c.group ?? '', c.resource]);
  }
  return fullAccessRules(resources);
}

/**
 * The rules granted cluster-wide: only the exported resources whose objects are shared between
 * consumers (tenantIsolation.ts: the operator opted in with `--cluster-scoped-isolation None`);
 * writes to them stay owner-only through the consumer write policy. Exports of a combination that
 * is refused (for instance left over from an older version or other settings) get no cluster-wide
 * grant. Claimed resources are never granted cluster-wide: that would open every consumer's
 * Secrets to every other consumer.
 */
export function consumerClusterWideRules(
  exports: readonly ExportObject[],
  scope: ConsumerScope,
  isolation: ClusterScopedIsolation,
): PolicyRule[] {
  return fullAccessRules(
    exports.filter((e) => grantedClusterWide(e.spec.scope, scope, isolation)).map(exportedResource),
  );
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

/**
 * The cluster-wide grant of one consumer: ClusterRole `klutch-binder-<providerNs>-cluster` and the
 * ClusterRoleBinding `klutch-binder-<providerNs>` to it, or undefined when there is nothing to grant
 * cluster-wide (then neither object should exist).
 */
export function consumerClusterWideGrant(
  providerNamespace: { name: string; uid: string },
  exports: readonly ExportObject[],
  scope: ConsumerScope,
  isolation: ClusterScopedIsolation,
): { role: ClusterRoleObject; binding: RoleBindingObject } | undefined {
  const rules = consumerClusterWideRules(exports, scope, isolation);
  if (rules.length === 0) return undefined;
  const ownerReferences = [namespaceOwnerReference(providerNamespace)];
  const roleName = consumerClusterWideRoleName(providerNamespace.name);
  return {
    role: {
      apiVersion: `${rbacApiGroup}/v1`,
      kind: 'ClusterRole',
      metadata: { name: roleName, ownerReferences },
      rules,
    },
    binding: {
      apiVersion: `${rbacApiGroup}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: consumerClusterRoleName(providerNamespace.name), ownerReferences },
      subjects: [binderSubject(providerNamespace.name)],
      roleRef: { apiGroup: rbacApiGroup, kind: 'ClusterRole', name: roleName },
    },
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

/**
 * RoleBinding `klutch-binder` in a service namespace → the consumer's ClusterRole (exported and
 * claimed resources), for both consumer scopes: it is the only grant of the claimed resources.
 */
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
