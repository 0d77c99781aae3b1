import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InstanceClaim } from './composedObjects.js';
import { desiredServiceInstance } from './desiredManagedResources.js';
import { reflectsDesired } from './managedResourceDrift.js';

function instance(spec: Partial<InstanceClaim['spec']> = {}): InstanceClaim {
  return {
    apiVersion: 'anynines.com/v1',
    kind: 'PostgresqlInstance',
    metadata: { name: 'db', namespace: 'team-a', uid: 'u1', generation: 1 },
    spec: { service: 'a9s-postgresql15', plan: 'postgresql-single-small', ...spec },
  };
}

describe('reflectsDesired', () => {
  const desired = desiredServiceInstance(instance({ parameters: { maxConnections: 50 } }), 'postgresql', 'x');
  const asStored = () => {
    const copy = structuredClone(desired);
    copy.metadata = {
      ...copy.metadata,
      uid: 'mr-uid',
      finalizers: ['finalizer.managedresource.crossplane.io'],
      annotations: { 'crossplane.io/external-name': 'abc' },
    };
    copy.spec = { ...copy.spec, deletionPolicy: 'Delete', managementPolicies: ['*'] };
    return copy;
  };

  it('ignores fields of other writers and defaults', () => {
    assert.equal(reflectsDesired(asStored(), desired), true);
  });

  it('notices a changed plan, a changed or removed parameter and a changed label', () => {
    const plan = asStored();
    plan.spec.forProvider.planName = 'postgresql-single-big';
    assert.equal(reflectsDesired(plan, desired), false);

    const param = asStored();
    param.spec.forProvider.parameters = { max_connections: 60 };
    assert.equal(reflectsDesired(param, desired), false);

    const extra = asStored();
    extra.spec.forProvider.parameters = { max_connections: 50, work_mem: '4MB' };
    assert.equal(reflectsDesired(extra, desired), false, 'a parameter the claim no longer has');

    const label = asStored();
    label.metadata.labels = { ...label.metadata.labels, 'crossplane.io/claim-name': 'other' };
    assert.equal(reflectsDesired(label, desired), false);
  });

  it('treats no parameters and empty parameters alike', () => {
    const none = desiredServiceInstance(instance(), 'postgresql', 'x');
    const stored = structuredClone(none);
    stored.spec.forProvider.parameters = {};
    assert.equal(reflectsDesired(stored, none), true);
    stored.spec.forProvider.parameters = { max_connections: 1 };
    assert.equal(reflectsDesired(stored, none), false);
  });
});
