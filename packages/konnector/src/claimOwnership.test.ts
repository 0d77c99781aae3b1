import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AcceptablePermissionClaim } from '@klutch/api';
import type { KubeObject } from '@klutch/kube';
import { acceptedClaims, isClaimed, resolveClaimOwner } from './claimOwnership.js';
import { resourceOwnerAnnotation } from './konnectorNames.js';

const obj = (name: string, owner?: string): KubeObject => ({
  metadata: { name, ...(owner ? { annotations: { [resourceOwnerAnnotation]: owner } } : {}) },
});

describe('claim owner resolution', () => {
  it('prefers the upstream annotation', () => {
    assert.equal(resolveClaimOwner(obj('s', 'Consumer'), obj('s', 'Provider')), 'Consumer');
    assert.equal(resolveClaimOwner(obj('s', 'Consumer'), undefined), 'Consumer');
  });
  it('is Provider when only the upstream exists', () => {
    assert.equal(resolveClaimOwner(obj('s'), undefined), 'Provider');
  });
  it('falls back to the downstream annotation', () => {
    assert.equal(resolveClaimOwner(obj('s'), obj('s', 'Consumer')), 'Consumer');
    assert.equal(resolveClaimOwner(undefined, obj('s', 'Provider')), 'Provider');
  });
  it('is Consumer when only the downstream exists', () => {
    assert.equal(resolveClaimOwner(undefined, obj('s')), 'Consumer');
  });
  it('uses the selector owner when both exist unannotated, else nothing', () => {
    assert.equal(resolveClaimOwner(obj('s'), obj('s'), 'Provider'), 'Provider');
    assert.equal(resolveClaimOwner(obj('s'), obj('s')), undefined);
    assert.equal(resolveClaimOwner(undefined, undefined, 'Consumer'), undefined);
  });
  it('ignores unknown annotation values', () => {
    assert.equal(resolveClaimOwner(obj('s', 'Somebody'), undefined), 'Provider');
  });
});

describe('claim selection', () => {
  const claim = (selector?: AcceptablePermissionClaim['selector']): AcceptablePermissionClaim => ({
    group: '',
    resource: 'secrets',
    version: 'v1',
    state: 'Accepted',
    ...(selector ? { selector } : {}),
  });
  it('selects every name with no names or *', () => {
    assert.ok(isClaimed(claim(), obj('x')));
    assert.ok(isClaimed(claim({ names: ['*'] }), obj('x')));
    assert.ok(isClaimed(claim({ names: [] }), obj('x')));
  });
  it('selects listed names only', () => {
    assert.ok(isClaimed(claim({ names: ['a', 'b'] }), obj('b')));
    assert.ok(!isClaimed(claim({ names: ['a', 'b'] }), obj('c')));
  });
  it('rejects objects annotated for the other owner', () => {
    assert.ok(!isClaimed(claim({ owner: 'Provider' }), obj('x', 'Consumer')));
    assert.ok(isClaimed(claim({ owner: 'Provider' }), obj('x', 'Provider')));
    assert.ok(isClaimed(claim({ owner: 'Provider' }), obj('x')));
    assert.ok(isClaimed(claim(), obj('x', 'Consumer')));
  });
  it('syncs accepted claims only', () => {
    const accepted = claim();
    const rejected = { ...claim(), state: 'Rejected' } as AcceptablePermissionClaim;
    assert.deepEqual(acceptedClaims([accepted, rejected]), [accepted]);
    assert.deepEqual(acceptedClaims(undefined), []);
  });
});
