import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryAfterSeconds } from './instanceService.js';

describe('retryAfterSeconds', () => {
  const created = new Date('2026-11-21T10:00:00Z');
  const at = (ms: number) => new Date(created.getTime() + ms);
  it('suggests the remaining start delay in whole seconds', () => {
    assert.equal(retryAfterSeconds(created, 5000, at(0)), 5);
    assert.equal(retryAfterSeconds(created, 5000, at(3500)), 2);
  });
  it('suggests nothing when less than a second remains', () => {
    assert.equal(retryAfterSeconds(created, 300, at(0)), undefined);
    assert.equal(retryAfterSeconds(created, 5000, at(4200)), undefined);
    assert.equal(retryAfterSeconds(created, 5000, at(9000)), undefined);
  });
});
