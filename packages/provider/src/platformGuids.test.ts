import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimNamespaceLabel } from './names.js';
import { nameBasedGuid, provisionGuids } from './platformGuids.js';

void describe('provisionGuids', () => {
  const platform = {
    username: 'system:serviceaccount:klutch-system:klutch-provider',
    clusterId: '0C0FFEE0-1111-4222-8333-444455556666',
  };
  const mr = (ns?: string) => {
    const labels: Record<string, string> = ns ? { [claimNamespaceLabel]: ns } : {};
    return { metadata: { name: 'pg-abc', labels } };
  };

  void it('derives the organization from the cluster and the space from the consumer namespace', () => {
    const a = provisionGuids({ mr: mr('team-a'), instance: {}, providerConfig: {}, platform });
    assert.equal(a.organizationGuid, '0c0ffee0-1111-4222-8333-444455556666');
    assert.match(a.spaceGuid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(
      provisionGuids({ mr: mr('team-a'), instance: {}, providerConfig: {}, platform }),
      a,
      'stable',
    );
    const b = provisionGuids({ mr: mr('team-b'), instance: {}, providerConfig: {}, platform });
    assert.equal(b.organizationGuid, a.organizationGuid);
    assert.notEqual(b.spaceGuid, a.spaceGuid, 'one space per consumer namespace');
  });

  void it('prefers the instance fields, then the ProviderConfig', () => {
    const pc = { organizationGuid: 'org-pc', spaceGuid: 'space-pc' };
    assert.deepEqual(provisionGuids({ mr: mr('x'), instance: {}, providerConfig: pc, platform }), {
      organizationGuid: 'org-pc',
      spaceGuid: 'space-pc',
    });
    assert.deepEqual(
      provisionGuids({
        mr: mr('x'),
        instance: { organizationGuid: 'o', spaceGuid: 's' },
        providerConfig: pc,
        platform,
      }),
      { organizationGuid: 'o', spaceGuid: 's' },
    );
  });

  void it('works without a cluster id or a claim', () => {
    const g = provisionGuids({ mr: mr(), instance: {}, providerConfig: {}, platform: { username: 'u' } });
    assert.match(g.organizationGuid, /^[0-9a-f-]{36}$/);
    assert.match(g.spaceGuid, /^[0-9a-f-]{36}$/);
  });

  void it('computes RFC 4122 version 5 UUIDs', () => {
    // The DNS namespace and "www.example.com", a well-known v5 test vector.
    assert.equal(
      nameBasedGuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'),
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});
