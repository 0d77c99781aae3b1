import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OsbError } from '@klutch/broker-clients';
import { decideUnbind, unbindErrorMeans } from './bindingDecisions.js';

const answer = (status: number, error?: string) =>
  new OsbError({
    operation: 'unbind',
    brokerUrl: 'http://127.0.0.1:1',
    status,
    ...(error ? { error } : {}),
    retryable: false,
    requestSent: true,
    userMessage: `status ${status}`,
  });

void describe('unbindErrorMeans: OSB v2.17 unbind answers', () => {
  const rows: Array<[number, string | undefined, 'gone' | 'error']> = [
    [410, undefined, 'gone'],
    [404, undefined, 'error'],
    [404, 'InstanceNotFound', 'error'],
    [400, 'BadRequest', 'error'],
    [422, 'ConcurrencyError', 'error'],
    [500, undefined, 'error'],
    [503, undefined, 'error'],
  ];
  for (const [status, code, means] of rows) {
    void it(`${status}${code ? ` ${code}` : ''} means ${means}`, () => {
      assert.equal(unbindErrorMeans(answer(status, code)), means);
    });
  }
});

void describe('decideUnbind: waiting for the back-off of a failed unbind', () => {
  void it('waits, writing nothing, while the back-off runs', () => {
    assert.deepEqual(decideUnbind(1_200), { kind: 'wait', requeueAfterMs: 1_200 });
  });
  void it('sends when it has ended', () => {
    assert.deepEqual(decideUnbind(0), { kind: 'send' });
  });
});
