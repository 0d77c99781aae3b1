import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  capNamespaceName,
  identityProblem,
  namespacePrefixProblem,
  providerNamespaceCandidate,
  resourceObjectName,
  serviceNamespaceName,
} from './names.js';

describe('names', () => {
  it('keeps short service namespace names and caps long ones with a stable hash suffix', () => {
    assert.equal(serviceNamespaceName('cluster-abc', 'default'), 'cluster-abc-default');
    const long = serviceNamespaceName('cluster-abcdefgh', 'x'.repeat(60));
    assert.equal(long.length, 63);
    assert.match(long, /^cluster-abcdefgh-x+-[0-9a-f]{10}$/);
    assert.equal(serviceNamespaceName('cluster-abcdefgh', 'x'.repeat(60)), long);
    assert.notEqual(serviceNamespaceName('cluster-abcdefgh', `${'x'.repeat(60)}y`), long);
    assert.equal(capNamespaceName('a'.repeat(63)), 'a'.repeat(63));
    assert.ok(!capNamespaceName(`${'a'.repeat(51)}-${'b'.repeat(20)}`).includes('--'));
  });

  it('derives provider namespace candidates from the identity, like a generateName result', () => {
    const a = providerNamespaceCandidate('cluster', 'sub#c1', 0);
    assert.match(a, /^cluster-[0-9a-z]{8}$/);
    assert.equal(providerNamespaceCandidate('cluster', 'sub#c1', 0), a);
    assert.notEqual(providerNamespaceCandidate('cluster', 'sub#c1', 1), a);
    assert.notEqual(providerNamespaceCandidate('cluster', 'sub#c2', 0), a);
  });

  it('validates prefixes and identities with actionable messages', () => {
    assert.equal(namespacePrefixProblem('cluster'), undefined);
    assert.equal(namespacePrefixProblem('cluster-'), undefined);
    assert.match(namespacePrefixProblem('') ?? '', /must not be empty/);
    assert.match(namespacePrefixProblem('Cluster') ?? '', /lowercase/);
    assert.match(namespacePrefixProblem('a'.repeat(60)) ?? '', /too long/);
    assert.equal(identityProblem('sub#abc123'), undefined);
    assert.match(identityProblem('sub') ?? '', /<oidc subject>#<cluster id>/);
    assert.match(identityProblem('sub#') ?? '', /form/);
  });

  it('names requests <resource>.<group>', () => {
    assert.equal(
      resourceObjectName('anynines.com', 'postgresqlinstances'),
      'postgresqlinstances.anynines.com',
    );
    assert.equal(resourceObjectName('', 'configmaps'), 'configmaps');
  });
});
