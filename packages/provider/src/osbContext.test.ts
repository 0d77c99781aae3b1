import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubernetesContext, originatingIdentity } from './osbContext.js';

const mr = {
  metadata: {
    name: 'serviceinstance-team-a-pg',
    labels: { 'crossplane.io/claim-name': 'pg', 'crossplane.io/claim-namespace': 'team-a' },
  },
};
const platform = { username: 'system:serviceaccount:klutch-system:provider', clusterId: 'c-1' };

void describe('kubernetesContext', () => {
  void it('names the claim and the cluster', () => {
    assert.deepEqual(kubernetesContext(mr, undefined, platform), {
      platform: 'kubernetes',
      namespace: 'team-a',
      instance_name: 'pg',
      clusterid: 'c-1',
    });
  });

  void it('keeps extra entries but not another platform', () => {
    assert.deepEqual(kubernetesContext(mr, { platform: 'cloudfoundry', region: 'eu' }, { username: 'x' }), {
      platform: 'kubernetes',
      region: 'eu',
      namespace: 'team-a',
      instance_name: 'pg',
    });
  });

  void it('falls back to the resource name without claim labels', () => {
    assert.equal(kubernetesContext({ metadata: { name: 'raw' } }, undefined, platform).instance_name, 'raw');
  });
});

void describe('originatingIdentity', () => {
  void it('is the provider acting for the claim', () => {
    assert.deepEqual(originatingIdentity(mr, undefined, platform), {
      platform: 'kubernetes',
      value: {
        username: 'system:serviceaccount:klutch-system:provider',
        extra: { 'klutch.io/claim': ['team-a/pg'] },
      },
    });
  });

  void it('uses an explicit identity as it is', () => {
    const explicit = { platform: 'kubernetes', value: { username: 'alice' } };
    assert.deepEqual(originatingIdentity(mr, explicit, platform), explicit);
  });

  void it('accepts the Klutch v1.5 form: the value as a string holding JSON', () => {
    const explicit = { platform: 'kubernetes', value: '{"username":"alice","uid":"u-1"}' };
    assert.deepEqual(originatingIdentity(mr, explicit, platform), {
      platform: 'kubernetes',
      value: { username: 'alice', uid: 'u-1' },
    });
  });

  void it('passes a string that is not a JSON object on instead of dropping it', () => {
    for (const value of ['alice', '[1]', 'null', '{broken'])
      assert.deepEqual(originatingIdentity(mr, { platform: 'cloudfoundry', value }, platform), {
        platform: 'cloudfoundry',
        value: { value },
      });
  });
});
