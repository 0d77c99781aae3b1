import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExportObject } from './backendObjects.js';
import {
  binderClusterRoleRules,
  consumerClusterRole,
  consumerClusterRoleRules,
  consumerClusterWideGrant,
  consumerClusterWideRules,
  serviceNamespaceRoleBinding,
} from './rbacRules.js';

function exportOf(
  group: string,
  plural: string,
  claims: Array<[string, string]> = [],
  scope: 'Namespaced' | 'Cluster' = 'Namespaced',
): ExportObject {
  return {
    metadata: { name: `${plural}.${group}`, namespace: 'cluster-a' },
    spec: {
      group,
      names: { plural, kind: 'X' },
      scope,
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: {} } }],
      informerScope: scope,
      permissionClaims: claims.map(([g, r]) => ({ group: g, resource: r, version: 'v1' })),
    },
  };
}

describe('RBAC rules', () => {
  it('grants a consumer exactly its exported and claimed resources, deduplicated and sorted', () => {
    const rules = consumerClusterRoleRules([
      exportOf('anynines.com', 'postgresqlinstances', [['', 'secrets']]),
      exportOf('anynines.com', 'servicebindings', [
        ['', 'secrets'],
        ['', 'configmaps'],
      ]),
    ]);
    assert.deepEqual(
      rules.map((r) => `${r.apiGroups[0]}/${r.resources[0]}`),
      ['/configmaps', '/secrets', 'anynines.com/postgresqlinstances', 'anynines.com/servicebindings'],
    );
    assert.deepEqual(rules[0]?.verbs, ['get', 'list', 'watch', 'update', 'patch', 'delete', 'create']);
    assert.deepEqual(consumerClusterRoleRules([]), []);
  });

  it('names and owns the per-consumer objects by the provider namespace', () => {
    const ns = { name: 'cluster-a', uid: 'u1' };
    const role = consumerClusterRole(ns, []);
    assert.equal(role.metadata.name, 'klutch-binder-cluster-a');
    assert.deepEqual(role.metadata.ownerReferences, [
      { apiVersion: 'v1', kind: 'Namespace', name: 'cluster-a', uid: 'u1', controller: true },
    ]);
    const grant = consumerClusterWideGrant(ns, [exportOf('g', 'widgets')], 'Cluster', 'None');
    assert.equal(grant?.role.metadata.name, 'klutch-binder-cluster-a-cluster');
    assert.deepEqual(grant?.role.metadata.ownerReferences, role.metadata.ownerReferences);
    assert.equal(grant?.binding.metadata.name, 'klutch-binder-cluster-a');
    assert.deepEqual(grant?.binding.metadata.ownerReferences, role.metadata.ownerReferences);
    assert.deepEqual(grant?.binding.subjects, [
      { kind: 'ServiceAccount', name: 'klutch-binder', namespace: 'cluster-a' },
    ]);
    assert.deepEqual(grant?.binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'klutch-binder-cluster-a-cluster',
    });
    // A long provider namespace still gives a valid, stable name.
    const longNs = { name: `cluster-${'x'.repeat(55)}`, uid: 'u2' };
    const longName = consumerClusterWideGrant(longNs, [exportOf('g', 'widgets')], 'Cluster', 'None')?.role
      .metadata.name;
    assert.ok(longName && longName.length <= 63, longName);
    assert.match(longName, /-[0-9a-f]{10}$/);
    assert.equal(
      consumerClusterWideGrant(longNs, [exportOf('g', 'gizmos')], 'Cluster', 'None')?.binding.roleRef.name,
      longName,
    );
    const rb = serviceNamespaceRoleBinding('cluster-a-default', 'cluster-a');
    assert.equal(rb.metadata.namespace, 'cluster-a-default');
    assert.equal(rb.roleRef.name, 'klutch-binder-cluster-a');
  });

  const mixed = [
    exportOf('g', 'widgets', [['', 'secrets']]),
    exportOf('g', 'gizmos', [['', 'configmaps']], 'Cluster'),
    exportOf('g', 'sprockets', [['', 'secrets']], 'Cluster'),
  ];
  const resourcesOf = (rules: ReturnType<typeof consumerClusterWideRules>) =>
    rules.map((r) => `${r.apiGroups.join(',')}/${r.resources.join(',')}`);

  it('grants cluster-wide, for scope Cluster and isolation None, every exported resource but never a claimed one', () => {
    assert.deepEqual(resourcesOf(consumerClusterWideRules(mixed, 'Cluster', 'None')), [
      'g/gizmos',
      'g/sprockets',
      'g/widgets',
    ]);
    assert.deepEqual(resourcesOf(consumerClusterWideRules([mixed[0]!], 'Cluster', 'None')), ['g/widgets']);
    assert.deepEqual(resourcesOf(consumerClusterWideRules(mixed.slice(1), 'Cluster', 'None')), [
      'g/gizmos',
      'g/sprockets',
    ]);
    assert.equal(consumerClusterWideGrant({ name: 'c', uid: 'u' }, [], 'Cluster', 'None'), undefined);
  });

  it('grants cluster-wide, for scope Namespaced and isolation None, only the cluster-scoped exported resources', () => {
    assert.deepEqual(consumerClusterWideRules([mixed[0]!], 'Namespaced', 'None'), []);
    assert.equal(
      consumerClusterWideGrant({ name: 'c', uid: 'u' }, [mixed[0]!], 'Namespaced', 'None'),
      undefined,
    );
    assert.deepEqual(resourcesOf(consumerClusterWideRules(mixed, 'Namespaced', 'None')), [
      'g/gizmos',
      'g/sprockets',
    ]);
    const grant = consumerClusterWideGrant({ name: 'c', uid: 'u' }, mixed, 'Namespaced', 'None');
    assert.deepEqual(resourcesOf(grant?.role.rules ?? []), ['g/gizmos', 'g/sprockets']);
  });

  it('grants nothing cluster-wide unless the operator opted into shared reads with isolation None', () => {
    for (const scope of ['Cluster', 'Namespaced'] as const) {
      for (const isolation of ['Prefixed', 'Namespaced'] as const) {
        assert.deepEqual(consumerClusterWideRules(mixed, scope, isolation), [], `${scope}/${isolation}`);
        assert.equal(consumerClusterWideGrant({ name: 'c', uid: 'u' }, mixed, scope, isolation), undefined);
      }
    }
  });

  it('grants in service namespaces every exported and claimed resource, whatever their scope', () => {
    assert.deepEqual(resourcesOf(consumerClusterRoleRules(mixed)), [
      '/configmaps',
      '/secrets',
      'g/gizmos',
      'g/sprockets',
      'g/widgets',
    ]);
  });

  it('does not change the rules when only the order or duplicates of exports change', () => {
    const reordered = [mixed[2]!, mixed[0]!, mixed[1]!, mixed[0]!];
    for (const scope of ['Cluster', 'Namespaced'] as const) {
      assert.deepEqual(
        consumerClusterWideRules(reordered, scope, 'None'),
        consumerClusterWideRules(mixed, scope, 'None'),
      );
    }
    assert.deepEqual(consumerClusterRoleRules(reordered), consumerClusterRoleRules(mixed));
  });

  it('gives the konnector read access to its ClusterBinding and exports and write access to requests', () => {
    const rules = binderClusterRoleRules();
    const verbsOf = (resource: string) => rules.find((r) => r.resources.includes(resource))?.verbs ?? [];
    assert.ok(verbsOf('apiserviceexportrequests').includes('create'));
    assert.ok(!verbsOf('clusterbindings').includes('update'));
    assert.ok(verbsOf('clusterbindings/status').includes('patch'));
    assert.deepEqual(verbsOf('namespaces'), ['get']);
    assert.ok(!verbsOf('secrets').includes('create'));
  });
});
