import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decideCleanup,
  decideInstance,
  decideObserved,
  decideOperation,
  decideWaiting,
  type DeleteAnswer,
  type InstanceDecision,
  type InstanceObservation,
  type InstanceReconcileStep,
  type OperationObservation,
} from './instanceDecisions.js';
import type { PendingOperation } from './pendingOperation.js';

const now = 1_000_000;
const op = (kind: PendingOperation['kind'], startedAtMs = now - 1_000): PendingOperation => ({
  kind,
  key: 'op-1',
  startedAtMs,
});
const obs = (
  pending: PendingOperation,
  answer: OperationObservation['answer'],
  extra: Partial<OperationObservation> = {},
): OperationObservation => ({ pending, answer, deleting: false, nowMs: now, ...extra });

/** The parts of a decision a row checks; undefined fields must be absent. */
type Row = [
  name: string,
  input: OperationObservation,
  expected: {
    step: InstanceDecision['step'];
    pending?: PendingOperation['kind'];
    ready?: string;
    message?: RegExp;
    error?: RegExp;
    keepSynced?: boolean;
    event?: string;
    backoff?: InstanceDecision['backoff'];
  },
];

// One row per last_operation answer and waiting state (OSB v2.17 "Polling Last Operation").
const rows: Row[] = [
  [
    'provision in progress: poll again, Creating',
    obs(op('provision'), { state: 'in progress', description: 'creating VMs' }),
    {
      step: 'poll',
      pending: 'provision',
      ready: 'Creating',
      message: /provisioning the instance\. creating VMs$/,
    },
  ],
  [
    'update in progress: Unavailable while the broker updates',
    obs(op('update'), { state: 'in progress' }),
    { step: 'poll', pending: 'update', ready: 'Unavailable' },
  ],
  [
    'deprovision in progress',
    obs(op('deprovision'), { state: 'in progress' }, { deleting: true }),
    { step: 'poll', pending: 'deprovision', ready: 'Deleting' },
  ],
  [
    'provision in progress while deleting: wait for it before deprovisioning',
    obs(op('provision'), { state: 'in progress' }, { deleting: true }),
    { step: 'poll', pending: 'provision', ready: 'Deleting', message: /running provision to finish/ },
  ],
  [
    'clean-up in progress: keeps the failure in Synced',
    obs(op('cleanup'), { state: 'in progress' }),
    { step: 'poll', pending: 'cleanup', ready: 'Unavailable', keepSynced: true },
  ],
  [
    'in progress within maximum_polling_duration',
    obs(op('provision', now - 1_999), { state: 'in progress' }, { maximumPollingDurationMs: 2_000 }),
    { step: 'poll', pending: 'provision', ready: 'Creating' },
  ],
  [
    'provision past maximum_polling_duration: failed, clean-up owed, retry with back-off',
    obs(
      op('provision', now - 2_001),
      { state: 'in progress', description: 'VMs' },
      { maximumPollingDurationMs: 2_000 },
    ),
    {
      step: 'failed',
      pending: 'cleanup-due',
      ready: 'Unavailable',
      error:
        /maximum_polling_duration of 2s; it is considered failed \(last description: VMs\)\. Clean-up pending/,
      event: 'CannotCreateExternalResource',
      backoff: 'change',
    },
  ],
  [
    'update past maximum_polling_duration: failed, still usable',
    obs(op('update', now - 5_000), { state: 'in progress' }, { maximumPollingDurationMs: 2_000 }),
    {
      step: 'failed',
      ready: 'Available',
      error: /maximum_polling_duration/,
      event: 'CannotUpdateExternalResource',
      backoff: 'change',
    },
  ],
  [
    'deprovision past maximum_polling_duration: failed, deprovision again after back-off',
    obs(
      op('deprovision', now - 5_000),
      { state: 'in progress' },
      { deleting: true, maximumPollingDurationMs: 2_000 },
    ),
    {
      step: 'failed',
      ready: 'Deleting',
      error: /maximum_polling_duration/,
      event: 'CannotDeleteExternalResource',
      backoff: 'change',
    },
  ],
  [
    'no start recorded (Go provider): no limit',
    obs({ kind: 'provision', key: 'k' }, { state: 'in progress' }, { maximumPollingDurationMs: 1 }),
    { step: 'poll', pending: 'provision', ready: 'Creating' },
  ],
  ['provision succeeded: observe', obs(op('provision'), { state: 'succeeded' }), { step: 'continue' }],
  ['update succeeded: observe', obs(op('update'), { state: 'succeeded' }), { step: 'continue' }],
  [
    'deprovision succeeded (or 410): release',
    obs(op('deprovision'), { state: 'succeeded' }, { deleting: true }),
    { step: 'released', ready: 'Deleting' },
  ],
  [
    'clean-up succeeded: provision again after the back-off, the failure stays in Synced',
    obs(
      op('cleanup'),
      { state: 'succeeded' },
      { lastError: 'The broker reports the provision as failed: quota' },
    ),
    { step: 'continue', ready: 'Unavailable', error: /^The broker reports the provision as failed: quota$/ },
  ],
  [
    'clean-up succeeded: the note that it is pending goes, the root cause stays',
    obs(
      op('cleanup'),
      { state: 'succeeded' },
      {
        lastError:
          'The broker reports the provision as failed: quota Clean-up pending: the provider deletes the instance at the broker (retrying with back-off until the broker confirms), then provisions again.',
      },
    ),
    { step: 'continue', ready: 'Unavailable', error: /^The broker reports the provision as failed: quota$/ },
  ],
  [
    'clean-up succeeded while deleting: release',
    obs(op('cleanup'), { state: 'succeeded' }, { deleting: true }),
    { step: 'released', ready: 'Deleting' },
  ],
  [
    'provision failed: Unavailable with the description, clean-up owed, back-off',
    obs(op('provision'), { state: 'failed', description: 'quota exhausted' }),
    {
      step: 'failed',
      pending: 'cleanup-due',
      ready: 'Unavailable',
      message: /^The broker reports the provision as failed: quota exhausted$/,
      error: /^The broker reports the provision as failed: quota exhausted Clean-up pending/,
      event: 'CannotCreateExternalResource',
      backoff: 'change',
    },
  ],
  [
    'provision failed while deleting: the deletion deprovisions',
    obs(op('provision'), { state: 'failed' }, { deleting: true }),
    {
      step: 'failed',
      ready: 'Deleting',
      error: /failed without a description/,
      event: 'CannotCreateExternalResource',
      backoff: 'change',
    },
  ],
  [
    'update failed, instance usable: Available, Synced=False',
    obs(op('update'), { state: 'failed', description: 'no' }),
    {
      step: 'failed',
      ready: 'Available',
      error: /update as failed: no$/,
      event: 'CannotUpdateExternalResource',
      backoff: 'change',
    },
  ],
  [
    'update failed, instance_usable false: Unavailable',
    obs(op('update'), { state: 'failed', instanceUsable: false }),
    {
      step: 'failed',
      ready: 'Unavailable',
      error: /update as failed/,
      event: 'CannotUpdateExternalResource',
      backoff: 'change',
    },
  ],
  [
    'deprovision failed: Deleting with the description, deprovision again after back-off',
    obs(op('deprovision'), { state: 'failed', description: 'busy' }, { deleting: true }),
    {
      step: 'failed',
      ready: 'Deleting',
      error: /deprovision as failed: busy$/,
      event: 'CannotDeleteExternalResource',
      backoff: 'change',
    },
  ],
  [
    'clean-up failed: owed again, its own back-off',
    obs(op('cleanup'), { state: 'failed', description: 'locked' }),
    {
      step: 'failed',
      pending: 'cleanup-due',
      ready: 'Unavailable',
      error: /clean-up of the failed provision as failed: locked Clean-up pending/,
      event: 'CannotDeleteExternalResource',
      backoff: 'cleanup',
    },
  ],
];

function check(d: InstanceDecision, e: Row[2]): void {
  assert.equal(d.step, e.step);
  assert.equal(d.pending?.kind, e.pending);
  assert.equal(d.ready?.reason, e.ready);
  if (e.message) assert.match(d.ready?.message ?? '', e.message);
  if (e.error) assert.match(d.error ?? '', e.error);
  else assert.equal(d.error, undefined);
  assert.equal(d.keepSynced, e.keepSynced);
  assert.equal(d.event?.reason, e.event);
  if (d.event && d.error) assert.ok(d.error.startsWith(d.event.message), 'the Event carries the root cause');
  assert.equal(d.backoff, e.backoff);
}

void describe('decideOperation: one row per last_operation answer', () => {
  for (const [name, input, expected] of rows) {
    void it(name, () => check(decideOperation(input), expected));
  }
});

void describe('decideCleanup: the clean-up DELETE of a failed provision', () => {
  const table: Array<[string, DeleteAnswer, Row[2]]> = [
    [
      '200 or 410: gone, provision again',
      { kind: 'gone' },
      { step: 'continue', ready: 'Unavailable', keepSynced: true },
    ],
    [
      '202: poll the clean-up',
      { kind: 'async', operation: 'del-1' },
      { step: 'poll', pending: 'cleanup', ready: 'Unavailable', keepSynced: true },
    ],
    [
      'any error: owed again, shown with the broker message, back-off',
      { kind: 'error', message: 'the broker answered 500: disk full' },
      {
        step: 'failed',
        pending: 'cleanup-due',
        ready: 'Unavailable',
        error:
          /^Cannot clean up the failed provision at the broker: the broker answered 500: disk full Clean-up pending/,
        event: 'CannotDeleteExternalResource',
        backoff: 'cleanup',
      },
    ],
  ];
  for (const [name, answer, expected] of table) {
    void it(name, () => check(decideCleanup(answer, { nowMs: now }), expected));
  }

  void it('records when the clean-up was accepted, for its polling limit', () => {
    assert.deepEqual(decideCleanup({ kind: 'async' }, { nowMs: now }).pending, {
      kind: 'cleanup',
      startedAtMs: now,
    });
  });
});

void describe('decideWaiting: a back-off runs', () => {
  void it('writes nothing (no ready, no error, no event)', () => {
    for (const pending of [undefined, op('cleanup-due')]) {
      const d = decideWaiting(pending);
      assert.deepEqual(d, { step: 'wait', pending });
    }
  });
});

void describe('decideObserved: after observing the instance', () => {
  const avail = { reason: 'Available' as const };
  const rows: Array<[string, Parameters<typeof decideObserved>[0], ReturnType<typeof decideObserved>]> = [
    [
      'missing: provision',
      { exists: false, ready: avail, drift: false, backoffRemainingMs: 0 },
      { step: 'provision' },
    ],
    [
      'missing while a failed provision backs off: wait, write nothing',
      { exists: false, ready: avail, drift: false, backoffRemainingMs: 500 },
      { step: 'wait' },
    ],
    [
      'drift on a usable instance: update',
      { exists: true, ready: avail, drift: true, backoffRemainingMs: 0 },
      { step: 'update' },
    ],
    [
      'drift while a rejected update backs off: wait, the rejection stays in Synced',
      { exists: true, ready: avail, drift: true, backoffRemainingMs: 500 },
      { step: 'wait' },
    ],
    [
      'drift on an instance that is not usable: no update, report its state',
      {
        exists: true,
        ready: { reason: 'Creating', message: 'deploying' },
        drift: true,
        backoffRemainingMs: 0,
      },
      { step: 'steady', ready: { reason: 'Creating', message: 'deploying' } },
    ],
    [
      'in sync (the spec was reverted during a back-off): steady',
      { exists: true, ready: avail, drift: false, backoffRemainingMs: 500 },
      { step: 'steady', ready: avail },
    ],
  ];
  for (const [name, input, expected] of rows) {
    void it(name, () => assert.deepEqual(decideObserved(input), expected));
  }
});

void describe('decideInstance: the next step of a reconcile, one row per OSB answer and waiting state', () => {
  const live = (extra: Partial<InstanceObservation> = {}): InstanceObservation => ({
    deleting: false,
    hasFinalizer: true,
    orphan: false,
    bindings: [],
    requested: true,
    idRecorded: true,
    backoffRemainingMs: 0,
    cleanupBackoffRemainingMs: 0,
    nowMs: now,
    ...extra,
  });
  const gone = (extra: Partial<InstanceObservation> = {}): InstanceObservation =>
    live({ deleting: true, ...extra });
  const avail = { reason: 'Available' as const };
  type Expected = {
    step: InstanceReconcileStep['step'];
    /** For `apply`: the decision's parts, as in the decideOperation table. */
    decision?: Row[2];
    /** For `blocked`: the message; for `steady`: the Ready reason. */
    message?: RegExp;
    ready?: string;
    /** For `poll`: the operation polled. */
    operation?: PendingOperation['kind'];
  };
  const table: Array<[string, InstanceObservation, Expected]> = [
    // A deletion: what keeps it from the broker first.
    ['deletion, finalizer already removed: done', gone({ hasFinalizer: false }), { step: 'done' }],
    [
      'deletion with deletionPolicy Orphan: release, the broker keeps the instance',
      gone({ orphan: true, pending: op('provision') }),
      { step: 'release' },
    ],
    [
      'deletion while bindings exist: blocked, naming them',
      gone({ bindings: ['b2', 'b1'] }),
      { step: 'blocked', message: /2 ServiceBindings .*: b1, b2\.$/ },
    ],
    [
      'deletion of an instance never requested at a broker: release',
      gone({ requested: false }),
      { step: 'release' },
    ],
    [
      'deletion while a provision runs: poll it first',
      gone({ pending: op('provision') }),
      { step: 'poll', operation: 'provision' },
    ],
    [
      'deletion, provision in progress: wait for it, Deleting',
      gone({ pending: op('provision'), answer: { state: 'in progress' } }),
      {
        step: 'apply',
        decision: { step: 'poll', pending: 'provision', ready: 'Deleting', message: /running provision/ },
      },
    ],
    [
      'deletion, provision succeeded: go on to deprovision',
      gone({ pending: op('provision'), answer: { state: 'succeeded' } }),
      { step: 'apply', decision: { step: 'continue' } },
    ],
    [
      'deletion, provision failed: no clean-up, the deprovision follows the back-off',
      gone({ pending: op('provision'), answer: { state: 'failed', description: 'quota' } }),
      {
        step: 'apply',
        decision: {
          step: 'failed',
          ready: 'Deleting',
          error: /provision as failed: quota$/,
          event: 'CannotCreateExternalResource',
          backoff: 'change',
        },
      },
    ],
    [
      'deletion, deprovision in progress: poll again',
      gone({ pending: op('deprovision'), answer: { state: 'in progress' } }),
      { step: 'apply', decision: { step: 'poll', pending: 'deprovision', ready: 'Deleting' } },
    ],
    [
      'deletion, deprovision succeeded: released',
      gone({ pending: op('deprovision'), answer: { state: 'succeeded' } }),
      { step: 'apply', decision: { step: 'released', ready: 'Deleting' } },
    ],
    [
      'deletion, deprovision failed: back-off',
      gone({ pending: op('deprovision'), answer: { state: 'failed' } }),
      {
        step: 'apply',
        decision: {
          step: 'failed',
          ready: 'Deleting',
          error: /deprovision as failed without a description/,
          event: 'CannotDeleteExternalResource',
          backoff: 'change',
        },
      },
    ],
    [
      'deletion, an accepted clean-up succeeded: released',
      gone({ pending: op('cleanup'), answer: { state: 'succeeded' } }),
      { step: 'apply', decision: { step: 'released', ready: 'Deleting' } },
    ],
    [
      'deletion with a clean-up owed: the deletion sends its own DELETE',
      gone({ pending: op('cleanup-due'), cleanupBackoffRemainingMs: 500 }),
      { step: 'deprovision' },
    ],
    [
      'deletion while the back-off of a failure runs: wait, write nothing',
      gone({ backoffRemainingMs: 500 }),
      { step: 'apply', decision: { step: 'wait' } },
    ],
    ['deletion, nothing pending: deprovision', gone(), { step: 'deprovision' }],
    // A live instance.
    [
      'id not recorded yet: record it before anything is sent',
      live({ idRecorded: false, pending: op('provision') }),
      { step: 'record-id' },
    ],
    [
      'provision pending: poll it',
      live({ pending: op('provision') }),
      { step: 'poll', operation: 'provision' },
    ],
    [
      'provision in progress: poll again, Creating',
      live({ pending: op('provision'), answer: { state: 'in progress' } }),
      { step: 'apply', decision: { step: 'poll', pending: 'provision', ready: 'Creating' } },
    ],
    [
      'provision succeeded: go on and observe',
      live({ pending: op('provision'), answer: { state: 'succeeded' } }),
      { step: 'apply', decision: { step: 'continue' } },
    ],
    [
      'provision failed: clean-up owed',
      live({ pending: op('provision'), answer: { state: 'failed', description: 'quota' } }),
      {
        step: 'apply',
        decision: {
          step: 'failed',
          pending: 'cleanup-due',
          ready: 'Unavailable',
          error: /provision as failed: quota Clean-up pending/,
          event: 'CannotCreateExternalResource',
          backoff: 'change',
        },
      },
    ],
    [
      "provision past the plan's maximum_polling_duration: failed",
      live({
        pending: op('provision', now - 3_000),
        answer: { state: 'in progress' },
        maximumPollingDurationMs: 2_000,
      }),
      {
        step: 'apply',
        decision: {
          step: 'failed',
          pending: 'cleanup-due',
          ready: 'Unavailable',
          error: /maximum_polling_duration of 2s/,
          event: 'CannotCreateExternalResource',
          backoff: 'change',
        },
      },
    ],
    [
      'update in progress: Unavailable while the broker updates',
      live({ pending: op('update'), answer: { state: 'in progress' } }),
      { step: 'apply', decision: { step: 'poll', pending: 'update', ready: 'Unavailable' } },
    ],
    [
      'update succeeded: go on and observe',
      live({ pending: op('update'), answer: { state: 'succeeded' } }),
      { step: 'apply', decision: { step: 'continue' } },
    ],
    [
      'update failed, instance still usable: Available with the failure',
      live({ pending: op('update'), answer: { state: 'failed', description: 'bad size' } }),
      {
        step: 'apply',
        decision: {
          step: 'failed',
          ready: 'Available',
          error: /update as failed: bad size$/,
          event: 'CannotUpdateExternalResource',
          backoff: 'change',
        },
      },
    ],
    [
      'clean-up in progress: keeps the failure in Synced',
      live({ pending: op('cleanup'), answer: { state: 'in progress' } }),
      {
        step: 'apply',
        decision: { step: 'poll', pending: 'cleanup', ready: 'Unavailable', keepSynced: true },
      },
    ],
    [
      'clean-up succeeded: provision again after the back-off, the root cause stays',
      live({
        pending: op('cleanup'),
        answer: { state: 'succeeded' },
        lastError: 'The broker reports the provision as failed: quota',
      }),
      {
        step: 'apply',
        decision: { step: 'continue', ready: 'Unavailable', error: /provision as failed: quota$/ },
      },
    ],
    [
      'clean-up owed while its back-off runs: wait, keep it owed',
      live({ pending: op('cleanup-due'), cleanupBackoffRemainingMs: 500 }),
      { step: 'apply', decision: { step: 'wait', pending: 'cleanup-due' } },
    ],
    [
      'clean-up owed: send the DELETE (the provision back-off does not hold it)',
      live({ pending: op('cleanup-due'), backoffRemainingMs: 500 }),
      { step: 'send-cleanup' },
    ],
    [
      'clean-up DELETE answered 200/410: gone, go on',
      live({ pending: op('cleanup-due'), cleanupAnswer: { kind: 'gone' } }),
      { step: 'apply', decision: { step: 'continue', ready: 'Unavailable', keepSynced: true } },
    ],
    [
      'clean-up DELETE answered 202: poll the clean-up',
      live({ pending: op('cleanup-due'), cleanupAnswer: { kind: 'async', operation: 'd-1' } }),
      {
        step: 'apply',
        decision: { step: 'poll', pending: 'cleanup', ready: 'Unavailable', keepSynced: true },
      },
    ],
    [
      'clean-up DELETE refused: owed again, its own back-off',
      live({ pending: op('cleanup-due'), cleanupAnswer: { kind: 'error', message: 'locked' } }),
      {
        step: 'apply',
        decision: {
          step: 'failed',
          pending: 'cleanup-due',
          ready: 'Unavailable',
          error: /^Cannot clean up the failed provision at the broker: locked Clean-up pending/,
          event: 'CannotDeleteExternalResource',
          backoff: 'cleanup',
        },
      },
    ],
    ['nothing pending: observe the instance', live(), { step: 'observe' }],
    [
      'missing at the broker: provision',
      live({ observed: { exists: false, ready: avail, drift: false } }),
      { step: 'provision' },
    ],
    [
      'missing while a failed provision backs off: wait, write nothing',
      live({ observed: { exists: false, ready: avail, drift: false }, backoffRemainingMs: 500 }),
      { step: 'apply', decision: { step: 'wait' } },
    ],
    [
      'drift on a usable instance: update',
      live({ observed: { exists: true, ready: avail, drift: true } }),
      { step: 'update' },
    ],
    [
      'drift while a rejected update backs off: wait',
      live({ observed: { exists: true, ready: avail, drift: true }, backoffRemainingMs: 500 }),
      { step: 'apply', decision: { step: 'wait' } },
    ],
    [
      'drift on an instance that is not usable: steady, report its state',
      live({ observed: { exists: true, ready: { reason: 'Creating' }, drift: true } }),
      { step: 'steady', ready: 'Creating' },
    ],
    [
      'in sync: steady, Available',
      live({ observed: { exists: true, ready: avail, drift: false } }),
      { step: 'steady', ready: 'Available' },
    ],
  ];
  for (const [name, input, e] of table) {
    void it(name, () => {
      const next = decideInstance(input);
      assert.equal(next.step, e.step);
      if (next.step === 'apply') check(next.decision, e.decision ?? assert.fail('row lacks the decision'));
      else assert.equal(e.decision, undefined);
      if (next.step === 'blocked') assert.match(next.message, e.message ?? /^$/);
      if (next.step === 'poll') assert.equal(next.operation.kind, e.operation);
      if (next.step === 'steady') assert.equal(next.ready.reason, e.ready);
    });
  }

  void it('each step removes what led to it: the answer of an operation is used once it is there', () => {
    const pending = op('update');
    assert.deepEqual(decideInstance(live({ pending })), { step: 'poll', operation: pending });
    assert.equal(decideInstance(live({ pending, answer: { state: 'succeeded' } })).step, 'apply');
  });
});
