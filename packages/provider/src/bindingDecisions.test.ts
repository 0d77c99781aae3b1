import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OsbError } from '@klutch/broker-clients';
import {
  bindCleanupPending,
  bindCleanupRefused,
  decideUnbind,
  unbindErrorMeans,
} from './bindingDecisions.js';

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

void describe('the pending clean-up of a failed bind in Synced', () => {
  const note =
    /Clean-up pending: the provider unbinds at the broker \(retrying with back-off until the broker confirms\), then binds again\.$/;
  void it('the failed bind whose orphan-mitigation unbind was refused names both causes', () => {
    const m = bindCleanupPending('bad gateway', 'vault sealed');
    assert.match(m, /^bad gateway The clean-up unbind failed too: vault sealed\. /);
    assert.match(m, note);
  });
  void it('the failed bind whose unbind the broker runs asynchronously', () => {
    assert.match(bindCleanupPending('bad gateway'), /^bad gateway Clean-up pending/);
  });
  void it('a refused repetition of the clean-up keeps the note', () => {
    const m = bindCleanupRefused('vault sealed');
    assert.match(m, /^Cannot clean up the failed bind at the broker: vault sealed Clean-up pending/);
    assert.match(m, note);
  });
});
