import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OsbError } from '@klutch/broker-clients';
import {
  bindCleanupPending,
  bindCleanupRefused,
  decideBinding,
  decideUnbind,
  type BindingObservation,
  type BindingStep,
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

void describe('decideBinding: the next step of a live binding, one row per observation', () => {
  const uid = '0f8e7c1a-5d3b-4a2e-9c61-2b7d4e8f9a10';
  const now = Date.parse('2026-12-02T12:00:00Z');
  const base: BindingObservation = {
    uid,
    bindingId: uid,
    retrievable: false,
    nowMs: now,
    pollIntervalMs: 60_000,
  };
  const rows: Array<[string, Partial<BindingObservation>, BindingStep]> = [
    [
      'an owed clean-up unbind comes before anything else',
      {
        pending: { kind: 'unbind-due', bindingId: `${uid}-1` },
        predecessorId: uid,
        published: false,
      },
      { step: 'clean-up', bindingId: `${uid}-1` },
    ],
    [
      'a running bind is polled',
      { pending: { kind: 'bind', bindingId: uid, key: 'op-1' }, predecessorId: 'old' },
      { step: 'poll', operation: { kind: 'bind', bindingId: uid, key: 'op-1' } },
    ],
    [
      'a running unbind is polled',
      { pending: { kind: 'unbind', bindingId: 'old' } },
      { step: 'poll', operation: { kind: 'unbind', bindingId: 'old' } },
    ],
    [
      'the predecessor of an interrupted rotation is unbound next',
      { predecessorId: 'old', published: true },
      { step: 'unbind-predecessor', bindingId: 'old' },
    ],
    ['nothing pending: the Secret is read first', {}, { step: 'read-secret' }],
    ['no credentials published: bind', { published: false }, { step: 'bind', bindingId: uid }],
    [
      'published, service bindings_retrievable: ask the broker',
      { published: true, retrievable: true },
      { step: 'fetch' },
    ],
    [
      'the broker lost the binding: bind again under the same id',
      { published: true, retrievable: true, atBroker: false, bindingId: `${uid}-2` },
      { step: 'bind', bindingId: `${uid}-2` },
    ],
    [
      'the broker has it and nothing expires: steady, look again after the poll interval',
      { published: true, retrievable: true, atBroker: true },
      { step: 'steady', requeueAfterMs: 60_000 },
    ],
    [
      'not retrievable: the published credentials are trusted',
      { published: true },
      { step: 'steady', requeueAfterMs: 60_000 },
    ],
    [
      'renewal ahead within the poll interval: look again when it is due',
      { published: true, renewAt: new Date(now + 5_000).toISOString() },
      { step: 'steady', requeueAfterMs: 5_000 },
    ],
    [
      'renewal due: rotate to the next id, the current one becomes the predecessor',
      { published: true, renewAt: new Date(now - 1).toISOString() },
      { step: 'rotate', bindingId: `${uid}-1`, predecessorId: uid },
    ],
    [
      'renewal due on a rotated binding',
      { published: true, bindingId: `${uid}-3`, renewAt: new Date(now).toISOString() },
      { step: 'rotate', bindingId: `${uid}-4`, predecessorId: `${uid}-3` },
    ],
    [
      'an unreadable renewal time never rotates',
      { published: true, renewAt: 'soon' },
      { step: 'steady', requeueAfterMs: 60_000 },
    ],
  ];
  for (const [name, observed, expected] of rows) {
    void it(name, () => {
      assert.deepEqual(decideBinding({ ...base, ...observed }), expected);
    });
  }

  void it('each step removes what led to it: a full reconcile settles within the loop bound', () => {
    let o: BindingObservation = {
      ...base,
      retrievable: true,
      pending: { kind: 'unbind-due', bindingId: `${uid}-1` },
      predecessorId: 'old',
      renewAt: new Date(now + 1_000).toISOString(),
    };
    const steps: string[] = [];
    for (let i = 0; i < 8; i++) {
      const next = decideBinding(o);
      steps.push(next.step);
      if (next.step === 'clean-up' || next.step === 'poll') o = { ...o, pending: undefined };
      else if (next.step === 'unbind-predecessor') o = { ...o, predecessorId: undefined };
      else if (next.step === 'read-secret') o = { ...o, published: true };
      else if (next.step === 'fetch') o = { ...o, atBroker: true };
      else break;
    }
    assert.deepEqual(steps, ['clean-up', 'unbind-predecessor', 'read-secret', 'fetch', 'steady']);
  });
});
