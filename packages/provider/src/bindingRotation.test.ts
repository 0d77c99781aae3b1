import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindingGeneration, nextBindingId, renewAt, rotationDue } from './bindingRotation.js';

const uid = '6f1c2d8e-1111-2222-3333-444455556666';

void describe('binding ids', () => {
  void it('numbers rotations after the uid', () => {
    assert.equal(nextBindingId(uid, uid), `${uid}-1`);
    assert.equal(nextBindingId(uid, `${uid}-1`), `${uid}-2`);
    assert.equal(nextBindingId(uid, `${uid}-41`), `${uid}-42`);
    assert.equal(bindingGeneration(uid, `${uid}-x`), 0);
    assert.equal(bindingGeneration(uid, 'something-else'), 0);
  });
});

void describe('renewAt', () => {
  const issuedAt = new Date('2030-01-01T00:00:00Z');

  void it('does not expire without expiry metadata', () => {
    assert.equal(renewAt({ issuedAt }), undefined);
    assert.equal(renewAt({ issuedAt, expiresAt: 'not a date' }), undefined);
  });

  void it('uses renew_before when the broker gives it', () => {
    assert.equal(
      renewAt({
        issuedAt,
        expiresAt: '2030-01-02T00:00:00Z',
        renewBefore: '2030-01-01T20:00:00Z',
      })?.toISOString(),
      '2030-01-01T20:00:00.000Z',
    );
  });

  void it('renews 80% into the lifetime otherwise', () => {
    assert.equal(
      renewAt({ issuedAt, expiresAt: '2030-01-01T10:00:00Z' })?.toISOString(),
      '2030-01-01T08:00:00.000Z',
    );
  });

  void it('never schedules a rotation right after issue', () => {
    assert.equal(
      renewAt({
        issuedAt,
        expiresAt: '2030-01-02T00:00:00Z',
        renewBefore: '2029-12-31T00:00:00Z',
      })?.toISOString(),
      '2030-01-01T00:00:30.000Z',
    );
    // A short lifetime still rotates before expiry: half-way.
    assert.equal(
      renewAt({
        issuedAt,
        expiresAt: '2030-01-01T00:00:20Z',
        renewBefore: '2029-12-31T00:00:00Z',
      })?.toISOString(),
      '2030-01-01T00:00:10.000Z',
    );
  });
});

void describe('rotationDue', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  void it('is due at and after the renewal time', () => {
    assert.deepEqual(rotationDue('2030-01-01T12:00:00Z', now), { due: true });
    assert.deepEqual(rotationDue('2030-01-01T11:00:00Z', now), { due: true });
  });
  void it('says how long until it is due', () => {
    assert.deepEqual(rotationDue('2030-01-01T12:01:00Z', now), { due: false, inMs: 60_000 });
  });
  void it('is never due without a time', () => {
    assert.deepEqual(rotationDue(undefined, now), { due: false });
    assert.deepEqual(rotationDue('garbage', now), { due: false });
  });
});
