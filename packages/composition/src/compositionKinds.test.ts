import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindingKeyOfCredentialsSecret, claimKeyOfManagedResource } from './claimEventMapping.js';
import { referenceProblem } from './claimReferences.js';
import type { Claim } from './composedObjects.js';
import { compositionKinds } from './compositionKinds.js';
import type { CompositionKind } from './compositionKinds.js';

function kindOf(name: string): CompositionKind {
  const k = compositionKinds.find((c) => c.claim.kind === name);
  if (!k) throw new Error(`no composition for ${name}`);
  return k;
}

const claim = (kind: string, name: string, spec: Record<string, unknown>): Claim => ({
  apiVersion: 'anynines.com/v1',
  kind,
  metadata: { name, namespace: 'ns' },
  spec,
});

describe('composition kinds', () => {
  it('cover the eight instance kinds, ServiceBinding, Backup and Restore', () => {
    assert.deepEqual(
      compositionKinds.map((k) => `${k.claim.kind}→${k.managed.kind}`),
      [
        'PostgresqlInstance→ServiceInstance',
        'MariadbInstance→ServiceInstance',
        'MongodbInstance→ServiceInstance',
        'MessagingInstance→ServiceInstance',
        'SearchInstance→ServiceInstance',
        'Logme2Instance→ServiceInstance',
        'PrometheusInstance→ServiceInstance',
        'KeyvalueInstance→ServiceInstance',
        'ServiceBinding→ServiceBinding',
        'Backup→Backup',
        'Restore→Restore',
      ],
    );
    assert.deepEqual(
      compositionKinds.filter((k) => k.publishesCredentials).map((k) => k.claim.kind),
      ['ServiceBinding'],
    );
  });

  it('bindings and backups refer to the instance of their serviceInstanceType', () => {
    const binding = claim('ServiceBinding', 'b', { instanceRef: 'db', serviceInstanceType: 'mongodb' });
    assert.deepEqual(kindOf('ServiceBinding').references(binding), [
      { kind: 'MongodbInstance', name: 'db', field: 'spec.instanceRef' },
    ]);
    const backup = claim('Backup', 'b', { instanceRef: 'db', serviceInstanceType: 'prometheus' });
    assert.deepEqual(
      kindOf('Backup')
        .references(backup)
        .map((r) => r.kind),
      ['PrometheusInstance'],
    );
    assert.ok(kindOf('Backup').referencedKinds.includes('PrometheusInstance'));
    assert.equal(
      kindOf('Backup').instanceType(claim('Backup', 'b', { serviceInstanceType: 'nonsense' })),
      undefined,
    );
  });

  it('a Restore needs a Backup of the same data service', () => {
    const restore = claim('Restore', 'r', { backupRef: 'nightly', serviceInstanceType: 'postgresql' });
    const [ref] = kindOf('Restore').references(restore);
    assert.ok(ref);
    assert.equal(ref.kind, 'Backup');
    const missing = referenceProblem('ns', ref, undefined);
    assert.equal(missing?.reason, 'ReferenceNotFound');
    assert.match(missing?.message ?? '', /^Backup "nightly" not found in namespace "ns"/);
    const sameType = claim('Backup', 'nightly', { instanceRef: 'db', serviceInstanceType: 'postgresql' });
    assert.equal(referenceProblem('ns', ref, sameType), undefined);
    const otherType = claim('Backup', 'nightly', { instanceRef: 'db', serviceInstanceType: 'mariadb' });
    const problem = referenceProblem('ns', ref, otherType);
    assert.equal(problem?.reason, 'ReferenceNotUsable');
    assert.match(problem?.message ?? '', /backup of a mariadb instance/);
    const deleting = {
      ...sameType,
      metadata: { ...sameType.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' },
    };
    assert.match(referenceProblem('ns', ref, deleting)?.message ?? '', /is being deleted/);
  });

  it('routes a ServiceInstance event only to the controller of its instance type', () => {
    const mr = {
      metadata: {
        name: 'postgresqlinstance-ns-db',
        labels: {
          'crossplane.io/claim-name': 'db',
          'crossplane.io/claim-namespace': 'ns',
          'klutch.io/instance-type': 'postgresql',
        },
      },
    };
    assert.equal(claimKeyOfManagedResource(kindOf('PostgresqlInstance'))(mr), 'ns/db');
    assert.equal(claimKeyOfManagedResource(kindOf('MariadbInstance'))(mr), undefined);
    assert.equal(claimKeyOfManagedResource(kindOf('Backup'))(mr), 'ns/db');
    assert.equal(claimKeyOfManagedResource(kindOf('Backup'))({ metadata: { name: 'x' } }), undefined);
  });

  it('routes a credentials Secret to the binding that owns it', () => {
    assert.equal(
      bindingKeyOfCredentialsSecret({
        metadata: {
          name: 'app-creds',
          namespace: 'ns',
          ownerReferences: [{ apiVersion: 'anynines.com/v1', kind: 'ServiceBinding', name: 'app', uid: 'u' }],
        },
      }),
      'ns/app',
    );
    assert.equal(bindingKeyOfCredentialsSecret({ metadata: { name: 'x', namespace: 'ns' } }), undefined);
  });
});
