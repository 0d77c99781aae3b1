import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CrossplaneCondition } from '@klutch/api';
import { claimConditionInputs, newFailures, nextClaimConditions, rootCause } from './claimConditions.js';

const t0 = '2025-01-01T00:00:00Z';
const cond = (type: string, status: 'True' | 'False' | 'Unknown', reason: string, message?: string) =>
  ({ type, status, reason, lastTransitionTime: t0, ...(message ? { message } : {}) }) as CrossplaneCondition;

const brokerSays = 'The plan postgresql-huge does not exist; available plans: postgresql-single-small';
const managed = (conditions?: CrossplaneCondition[]) => ({
  kind: 'ServiceInstance',
  name: 'postgresqlinstance-ns-db',
  conditions,
});

describe('root cause', () => {
  it('takes the messages of a Ready that is not True and a Synced that is False, once each', () => {
    assert.equal(
      rootCause([cond('Ready', 'False', 'Creating'), cond('Synced', 'False', 'ReconcileError', brokerSays)]),
      brokerSays,
    );
    assert.equal(
      rootCause([
        cond('Ready', 'False', 'Unavailable', 'instance failed'),
        cond('Synced', 'False', 'ReconcileError', brokerSays),
      ]),
      `instance failed; ${brokerSays}`,
    );
    assert.equal(
      rootCause([cond('Ready', 'False', 'Unavailable', 'x'), cond('Synced', 'False', 'E', 'x')]),
      'x',
    );
    assert.equal(
      rootCause([cond('Ready', 'True', 'Available', 'old'), cond('Synced', 'True', 'ReconcileSuccess')]),
      undefined,
    );
    assert.equal(rootCause(undefined), undefined);
  });
});

describe('claim conditions', () => {
  it('a broker error on the managed resource reaches both claim conditions', () => {
    const { ready, synced } = claimConditionInputs({
      phase: 'composed',
      managed: managed([
        cond('Ready', 'False', 'Creating'),
        cond('Synced', 'False', 'ReconcileError', brokerSays),
      ]),
    });
    assert.deepEqual(synced, {
      type: 'Synced',
      status: 'False',
      reason: 'ReconcileError',
      message: brokerSays,
    });
    assert.deepEqual(ready, { type: 'Ready', status: 'False', reason: 'Creating', message: brokerSays });
  });

  it('Ready and Synced True when the managed resource is', () => {
    const { ready, synced } = claimConditionInputs({
      phase: 'composed',
      managed: managed([cond('Ready', 'True', 'Available'), cond('Synced', 'True', 'ReconcileSuccess')]),
    });
    assert.deepEqual(ready, { type: 'Ready', status: 'True', reason: 'Available' });
    assert.deepEqual(synced, { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' });
  });

  it('a pending step keeps Ready False even when the managed resource is ready', () => {
    const { ready } = claimConditionInputs({
      phase: 'composed',
      managed: managed([cond('Ready', 'True', 'Available')]),
      pending: 'Waiting for the credentials.',
    });
    assert.deepEqual(ready, {
      type: 'Ready',
      status: 'False',
      reason: 'Creating',
      message: 'Waiting for the credentials.',
    });
  });

  it('explains a managed resource without conditions and an unexplained failure', () => {
    assert.match(
      claimConditionInputs({ phase: 'composed', managed: managed() }).ready.message ?? '',
      /Waiting for the provider to create ServiceInstance "postgresqlinstance-ns-db"/,
    );
    const { ready } = claimConditionInputs({
      phase: 'composed',
      managed: managed([cond('Ready', 'False', 'Unavailable')]),
    });
    assert.equal(ready.reason, 'Unavailable');
    assert.match(ready.message ?? '', /is not ready \(Unavailable\)/);
  });

  it('blocked: both conditions False with the same reason and message', () => {
    const { ready, synced } = claimConditionInputs({
      phase: 'blocked',
      reason: 'ReferenceNotFound',
      message: 'PostgresqlInstance "x" not found in namespace "y"',
    });
    assert.equal(ready.status, 'False');
    assert.equal(synced.status, 'False');
    assert.equal(ready.message, synced.message);
    assert.equal(ready.reason, 'ReferenceNotFound');
  });

  it('deleting: Ready says what it waits for and why', () => {
    const { ready } = claimConditionInputs({
      phase: 'deleting',
      managed: managed([cond('Ready', 'False', 'Deleting', 'bindings remain: b1')]),
    });
    assert.deepEqual(ready, {
      type: 'Ready',
      status: 'False',
      reason: 'Deleting',
      message:
        'Waiting for the provider to delete ServiceInstance "postgresqlinstance-ns-db": bindings remain: b1',
    });
  });

  it('keeps other conditions and the transition time of unchanged ones, and records the generation', () => {
    const existing = [
      cond('Ready', 'True', 'Available'),
      cond('Synced', 'True', 'ReconcileSuccess'),
      cond('Custom', 'True', 'X'),
    ];
    const now = new Date('2025-02-01T00:00:00Z');
    const next = nextClaimConditions(
      existing,
      {
        phase: 'composed',
        managed: managed([
          cond('Ready', 'True', 'Available'),
          cond('Synced', 'False', 'ReconcileError', brokerSays),
        ]),
      },
      3,
      now,
    );
    const ready = next.find((c) => c.type === 'Ready');
    const synced = next.find((c) => c.type === 'Synced');
    assert.equal(ready?.lastTransitionTime, t0);
    assert.equal(ready?.observedGeneration, 3);
    assert.equal(synced?.lastTransitionTime, '2025-02-01T00:00:00Z');
    assert.equal(synced?.message, brokerSays);
    assert.ok(next.some((c) => c.type === 'Custom'));
  });
});

describe('new failures', () => {
  const failing = [
    cond('Ready', 'False', 'Creating', brokerSays),
    cond('Synced', 'False', 'ReconcileError', brokerSays),
  ];

  it('reports a new Synced failure once, and not progress', () => {
    assert.deepEqual(newFailures(undefined, failing), [{ reason: 'ReconcileError', message: brokerSays }]);
    assert.deepEqual(newFailures(failing, failing), []);
    assert.deepEqual(
      newFailures(undefined, [
        cond('Ready', 'False', 'Creating', 'creating'),
        cond('Synced', 'True', 'ReconcileSuccess'),
      ]),
      [],
    );
  });

  it('reports a changed message again, and a Ready failure with its own reason', () => {
    const changed = [
      cond('Ready', 'False', 'Creating'),
      cond('Synced', 'False', 'ReconcileError', 'another error'),
    ];
    assert.deepEqual(newFailures(failing, changed), [{ reason: 'ReconcileError', message: 'another error' }]);
    const unavailable = [
      cond('Ready', 'False', 'Unavailable', 'instance failed'),
      cond('Synced', 'True', 'ReconcileSuccess'),
    ];
    assert.deepEqual(newFailures(undefined, unavailable), [
      { reason: 'Unavailable', message: 'instance failed' },
    ]);
  });

  it('reports a blocked claim once', () => {
    const blocked = [
      cond('Ready', 'False', 'ReferenceNotFound', 'm'),
      cond('Synced', 'False', 'ReferenceNotFound', 'm'),
    ];
    assert.deepEqual(newFailures(undefined, blocked), [{ reason: 'ReferenceNotFound', message: 'm' }]);
  });
});
