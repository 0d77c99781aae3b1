import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindingNeedsRenewal } from './bindingRotation.js';

const at = (iso: string) => new Date(iso);

describe('bindingNeedsRenewal', () => {
  it('never renews a binding without expiry', () => {
    assert.equal(bindingNeedsRenewal({}, at('2030-01-01T00:00:00Z')), false);
  });

  it('follows renew_before when the broker sets it', () => {
    const b = { expiresAt: at('2026-01-02T00:00:00Z'), renewBefore: at('2026-01-01T12:00:00Z') };
    assert.equal(bindingNeedsRenewal(b, at('2026-01-01T11:59:59Z')), false);
    assert.equal(bindingNeedsRenewal(b, at('2026-01-01T12:00:00Z')), true);
  });

  it('renews after 80% of the lifetime when the creation time is known', () => {
    const b = { createdAt: at('2026-01-01T00:00:00Z'), expiresAt: at('2026-01-01T10:00:00Z') };
    assert.equal(bindingNeedsRenewal(b, at('2026-01-01T07:59:00Z')), false);
    assert.equal(bindingNeedsRenewal(b, at('2026-01-01T08:00:00Z')), true);
    assert.equal(bindingNeedsRenewal(b, at('2026-01-01T05:00:00Z'), { lifetimeFraction: 0.5 }), true);
  });

  it('otherwise renews a margin before expiry', () => {
    const b = { expiresAt: at('2026-01-01T10:00:00Z') };
    assert.equal(bindingNeedsRenewal(b, at('2026-01-01T09:49:00Z')), false);
    assert.equal(bindingNeedsRenewal(b, at('2026-01-01T09:50:00Z')), true);
    assert.equal(bindingNeedsRenewal(b, at('2026-01-01T09:58:00Z'), { marginMs: 60_000 }), false);
    assert.equal(bindingNeedsRenewal(b, at('2026-01-01T11:00:00Z')), true, 'expired');
  });
});
