import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeApiError } from '@klutch/kube';
import { UserFacingError, userMessageOf } from './errorMessages.js';

void describe('userMessageOf', () => {
  void it('shows user messages as they are', () => {
    assert.equal(userMessageOf(new UserFacingError('fix the plan')), 'fix the plan');
    assert.equal(userMessageOf({ userMessage: 'from a client' }), 'from a client');
  });

  void it('shows Kubernetes API errors', () => {
    const err = new KubeApiError('GET', '/api/v1/x', 403, { reason: 'Forbidden', message: 'no access' });
    assert.match(
      userMessageOf(err),
      /Kubernetes API request failed: GET \/api\/v1\/x: 403 Forbidden no access/,
    );
  });

  void it('hides internals of unexpected errors', () => {
    const msg = userMessageOf(new TypeError("Cannot read properties of undefined (reading 'x')"));
    assert.equal(msg, 'internal error in the provider; its logs have the details');
  });
});
