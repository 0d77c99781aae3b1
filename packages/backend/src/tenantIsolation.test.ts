import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterScopedIsolations, consumerScopes } from './backendSettings.js';
import { exportIsolation, grantedClusterWide } from './tenantIsolation.js';

describe('tenant isolation matrix', () => {
  it('isolates a namespaced API with consumer scope Namespaced in every isolation mode', () => {
    for (const isolation of clusterScopedIsolations) {
      assert.deepEqual(exportIsolation('Namespaced', 'Namespaced', isolation), { kind: 'isolated' });
      assert.equal(grantedClusterWide('Namespaced', 'Namespaced', isolation), false);
    }
  });

  it('refuses a namespaced API with consumer scope Cluster unless sharing was chosen, naming both safe settings', () => {
    for (const isolation of ['Prefixed', 'Namespaced'] as const) {
      const d = exportIsolation('Namespaced', 'Cluster', isolation);
      assert.equal(d.kind, 'refused');
      assert.match(d.kind === 'refused' ? d.message : '', /--consumer-scope Namespaced/);
      assert.match(d.kind === 'refused' ? d.message : '', /--cluster-scoped-isolation None/);
    }
    assert.deepEqual(exportIsolation('Namespaced', 'Cluster', 'None'), { kind: 'shared' });
  });

  it('refuses a cluster-scoped API with Prefixed (reads cannot be isolated) and Namespaced (impossible)', () => {
    for (const scope of consumerScopes) {
      const prefixed = exportIsolation('Cluster', scope, 'Prefixed');
      assert.equal(prefixed.kind, 'refused');
      const pm = prefixed.kind === 'refused' ? prefixed.message : '';
      assert.match(pm, /cluster-scoped APIs cannot be read-isolated/);
      assert.match(pm, /--cluster-scoped-isolation None/);
      const namespaced = exportIsolation('Cluster', scope, 'Namespaced');
      assert.equal(namespaced.kind, 'refused');
      const nm = namespaced.kind === 'refused' ? namespaced.message : '';
      assert.match(nm, /cannot live in a namespace/);
      assert.match(nm, /--cluster-scoped-isolation None/);
      assert.deepEqual(exportIsolation('Cluster', scope, 'None'), { kind: 'shared' });
      assert.equal(grantedClusterWide('Cluster', scope, 'None'), true);
    }
  });

  it('grants cluster-wide exactly the shared combinations', () => {
    const wide: string[] = [];
    for (const crd of ['Namespaced', 'Cluster'] as const)
      for (const scope of consumerScopes)
        for (const isolation of clusterScopedIsolations)
          if (grantedClusterWide(crd, scope, isolation)) wide.push(`${crd}/${scope}/${isolation}`);
    assert.deepEqual(wide, ['Namespaced/Cluster/None', 'Cluster/Namespaced/None', 'Cluster/Cluster/None']);
  });
});
