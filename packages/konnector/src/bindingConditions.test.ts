import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getCondition } from '@klutch/kube';
import { computeBindingConditions, type BindingObservation } from './bindingConditions.js';

const ok: BindingObservation = {
  secret: { valid: true, kubeconfig: 'x', providerNamespace: 'p' },
  informers: { state: 'synced' },
  heartbeat: { state: 'ok' },
  connected: { state: 'connected' },
};
const t0 = new Date('2025-01-01T00:00:00Z');

describe('APIServiceBinding conditions', () => {
  it('is Ready when everything is True, with Ready first', () => {
    const c = computeBindingConditions(undefined, ok, t0);
    assert.deepEqual(
      c.map((x) => [x.type, x.status]),
      [
        ['Ready', 'True'],
        ['Connected', 'True'],
        ['Heartbeating', 'True'],
        ['InformersSynced', 'True'],
        ['SecretValid', 'True'],
      ],
    );
  });
  it('an invalid secret makes Ready False with its message; the rest is Unknown', () => {
    const c = computeBindingConditions(
      undefined,
      {
        secret: {
          valid: false,
          reason: 'KubeconfigSecretNotFound',
          message: 'Kubeconfig secret a/b not found. Rerun kubectl bind for repair.',
        },
      },
      t0,
    );
    const ready = getCondition(c, 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, 'KubeconfigSecretNotFound');
    assert.equal(ready?.severity, 'Error');
    assert.equal(getCondition(c, 'Connected')?.status, 'False');
    assert.equal(getCondition(c, 'Connected')?.severity, 'Info');
    assert.equal(getCondition(c, 'InformersSynced')?.reason, 'NoProviderConnection');
  });
  it('an informer sync timeout is an Error with the timeout', () => {
    const c = computeBindingConditions(
      undefined,
      { ...ok, informers: { state: 'timedOut', afterMs: 150_000 } },
      t0,
    );
    const inf = getCondition(c, 'InformersSynced');
    assert.equal(inf?.reason, 'InformerSyncTimeout');
    assert.match(inf?.message ?? '', /within 150s/);
    assert.equal(getCondition(c, 'Ready')?.reason, 'InformerSyncTimeout');
  });
  it('a failed heartbeat is a Warning, outranked by an Error', () => {
    const hb = computeBindingConditions(
      undefined,
      { ...ok, heartbeat: { state: 'failed', message: 'forbidden' } },
      t0,
    );
    assert.equal(getCondition(hb, 'Heartbeating')?.severity, 'Warning');
    assert.equal(getCondition(hb, 'Ready')?.severity, 'Warning');
    assert.equal(
      getCondition(hb, 'Heartbeating')?.message,
      'Failed to update service provider ClusterBinding: forbidden',
    );
    const both = computeBindingConditions(
      undefined,
      {
        ...ok,
        heartbeat: { state: 'failed', message: 'x' },
        connected: {
          state: 'failed',
          reason: 'ForeignCustomResourceDefinition',
          message: 'CustomResourceDefinition w is not owned by klutch.anynines.com.',
        },
      },
      t0,
    );
    assert.equal(getCondition(both, 'Ready')?.reason, 'ForeignCustomResourceDefinition');
  });
  it('pending states keep Ready False/Info, never True', () => {
    const c = computeBindingConditions(
      undefined,
      { ...ok, informers: { state: 'syncing' }, connected: { state: 'pending' } },
      t0,
    );
    const ready = getCondition(c, 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.severity, 'Info');
    assert.equal(getCondition(c, 'InformersSynced')?.reason, 'InformersSyncing');
  });
  it('keeps lastTransitionTime while nothing changes', () => {
    const first = computeBindingConditions(undefined, ok, t0);
    const again = computeBindingConditions(first, ok, new Date('2025-01-02T00:00:00Z'));
    assert.deepEqual(again, first);
  });
});
