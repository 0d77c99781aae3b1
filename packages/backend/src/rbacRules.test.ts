import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExportObject } from './backendObjects.js';
import {
  binderClusterRoleRules,
  consumerClusterRole,
  consumerClusterRoleBinding,
  consumerClusterRoleRules,
  serviceNamespaceRoleBinding,
} from './rbacRules.js';

function exportOf(group: string, plural: string, claims: Array<[string, string]> = []): ExportObject {
  return {
    metadata: { name: `${plural}.${group}`, namespace: 'cluster-a' },
    spec: {
      group,
      names: { plural, kind: 'X' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: {} } }],
      informerScope: 'Namespaced',
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
    const crb = consumerClusterRoleBinding(ns);
    assert.deepEqual(crb.subjects, [
      { kind: 'ServiceAccount', name: 'klutch-binder', namespace: 'cluster-a' },
    ]);
    assert.equal(crb.roleRef.name, 'klutch-binder-cluster-a');
    const rb = serviceNamespaceRoleBinding('cluster-a-default', 'cluster-a');
    assert.equal(rb.metadata.namespace, 'cluster-a-default');
    assert.equal(rb.roleRef.name, 'klutch-binder-cluster-a');
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
