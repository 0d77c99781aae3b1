import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  consumerRequestCondition,
  consumerWritePolicy,
  consumerWritePolicyBinding,
  consumerWritePolicyName,
} from './consumerWritePolicy.js';

// The policy's effect is proven against a real API server in tenantIsolation.cluster.test.ts;
// these tests pin down its shape.
describe('consumer write policy', () => {
  const policy = consumerWritePolicy();
  const spec = policy.spec as {
    failurePolicy: string;
    matchConditions: Array<{ expression: string }>;
    matchConstraints: { resourceRules: Array<{ operations: string[] }> };
    variables: Array<{ name: string; expression: string }>;
    validations: Array<{ expression: string; reason: string }>;
  };

  it('matches only writes of consumer credentials and fails closed', () => {
    assert.equal(spec.failurePolicy, 'Fail');
    assert.deepEqual(spec.matchConditions, [
      { name: 'consumer-credentials', expression: consumerRequestCondition },
    ]);
    assert.match(consumerRequestCondition, /'system:serviceaccount:'/);
    assert.match(consumerRequestCondition, /':klutch-binder'/);
    assert.deepEqual(spec.matchConstraints.resourceRules[0]?.operations, ['CREATE', 'UPDATE', 'DELETE']);
  });

  it('checks service namespaces by annotation and cluster-scoped objects by prefix and annotation, old and new', () => {
    const v = Object.fromEntries(spec.variables.map((x) => [x.name, x.expression]));
    assert.match(v.ownsNamespace ?? '', /'klutch\.anynines\.com\/api-service-namespace'/);
    assert.match(v.ownsNamespace ?? '', /startsWith\(variables\.providerNamespace \+ '\/'\)/);
    assert.match(
      v.ownsClusterScoped ?? '',
      /object\.metadata\.name\.startsWith\(variables\.providerNamespace \+ '-'\)/,
    );
    assert.match(v.ownsClusterScoped ?? '', /oldObject\.metadata\.name\.startsWith/);
    assert.match(v.ownsClusterScoped ?? '', /'klutch\.anynines\.com\/cluster-namespace'/);
    assert.deepEqual(
      spec.validations.map((x) => x.reason),
      ['Forbidden', 'Forbidden'],
    );
  });

  it('is bound with Deny', () => {
    const binding = consumerWritePolicyBinding();
    assert.deepEqual(binding.spec, { policyName: consumerWritePolicyName, validationActions: ['Deny'] });
  });
});
