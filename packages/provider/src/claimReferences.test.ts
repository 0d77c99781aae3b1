import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bindingsOfInstance,
  composedFor,
  deletionBlockedByBindings,
  namesReferring,
  namesUsingProviderConfig,
} from './claimReferences.js';

const mr = (name: string, claim: string, ns: string, instanceName?: string) => ({
  metadata: { name, labels: { 'crossplane.io/claim-name': claim, 'crossplane.io/claim-namespace': ns } },
  spec: { forProvider: { instanceName } },
});

void describe('claim references', () => {
  void it('finds managed resources by claim name and namespace only', () => {
    const items = [mr('a', 'pg', 'team-a'), mr('b', 'pg', 'team-b'), mr('c', 'other', 'team-a')];
    assert.deepEqual(
      composedFor(items, 'pg', 'team-a').map((x) => x.metadata.name),
      ['a'],
    );
    assert.deepEqual(composedFor(items, 'pg', undefined), []);
  });

  void it('finds the bindings of an instance in its claim namespace', () => {
    const instance = mr('serviceinstance-team-a-pg', 'pg', 'team-a');
    const bindings = [
      mr('sb-1', 'b1', 'team-a', 'pg'),
      mr('sb-2', 'b2', 'team-b', 'pg'),
      mr('sb-3', 'b3', 'team-a', 'other'),
    ];
    assert.deepEqual(
      bindingsOfInstance(instance, bindings).map((b) => b.metadata.name),
      ['sb-1'],
    );
  });

  void it('says which bindings block a deletion', () => {
    assert.equal(deletionBlockedByBindings([]), undefined);
    assert.equal(
      deletionBlockedByBindings(['b', 'a']),
      'Waiting for 2 ServiceBindings of this instance to be deleted before deprovisioning: a, b.',
    );
    assert.match(
      deletionBlockedByBindings(['1', '2', '3', '4', '5', '6', '7']) ?? '',
      /1, 2, 3, 4, 5 and 2 more/,
    );
  });
});

void describe('reverse references', () => {
  void it('finds the resources referring to a claim', () => {
    const instance = mr('serviceinstance-team-a-pg', 'pg', 'team-a');
    const bindings = [
      mr('sb-1', 'b1', 'team-a', 'pg'),
      mr('sb-2', 'b2', 'team-b', 'pg'),
      mr('sb-3', 'b3', 'team-a', 'x'),
    ];
    assert.deepEqual(
      namesReferring(instance, bindings, (b) => b.spec.forProvider.instanceName),
      ['sb-1'],
    );
    assert.deepEqual(
      namesReferring({ metadata: { name: 'unlabelled' } }, bindings, () => 'pg'),
      [],
    );
  });

  void it('finds the users of a ProviderConfig', () => {
    const items = [
      { metadata: { name: 'a' }, spec: { providerConfigRef: { name: 'postgresql-service-broker' } } },
      { metadata: { name: 'b' }, spec: { providerConfigRef: { name: 'postgresql-backup-manager' } } },
      { metadata: { name: 'c' }, spec: {} },
    ];
    assert.deepEqual(namesUsingProviderConfig('postgresql-service-broker', items), ['a']);
  });
});

describe('composedFor with a data-service type', () => {
  const mr = (name: string, type: string) => ({
    metadata: {
      name,
      labels: {
        'crossplane.io/claim-name': 'db',
        'crossplane.io/claim-namespace': 'team',
        'klutch.io/instance-type': type,
      },
    },
  });
  it('tells a PostgresqlInstance and a MariadbInstance with the same name apart', () => {
    const items = [mr('postgresqlinstance-team-db', 'postgresql'), mr('mariadbinstance-team-db', 'mariadb')];
    assert.deepEqual(
      composedFor(items, 'db', 'team', 'mariadb').map((i) => i.metadata.name),
      ['mariadbinstance-team-db'],
    );
    assert.equal(composedFor(items, 'db', 'team').length, 2);
  });
});
