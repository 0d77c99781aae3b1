import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  conditionsEqualIgnoringTime,
  formatConditionTime,
  getCondition,
  isFalse,
  isTrue,
  isUnknown,
  markFalse,
  markTrue,
  markUnknown,
  removeCondition,
  setCondition,
  setSummary,
  sortConditions,
  type Condition,
  type ConditionInput,
} from './conditions.js';

const T0 = new Date('2024-05-01T10:00:00.000Z');
const T1 = new Date('2024-05-01T11:30:00.789Z');
const T0S = '2024-05-01T10:00:00Z';
const T1S = '2024-05-01T11:30:00Z';

function cond(c: Partial<Condition> & Pick<Condition, 'type' | 'status'>): Condition {
  return { lastTransitionTime: T0S, ...c };
}

const types = (cs: readonly Condition[]): string[] => cs.map((c) => c.type);

void describe('setCondition', () => {
  void test('adds a condition with the current time in whole seconds', () => {
    const out = setCondition(undefined, { type: 'Connected', status: 'True' }, T1);
    assert.deepEqual(out, [{ type: 'Connected', status: 'True', lastTransitionTime: T1S }]);
  });

  void test('does not mutate its input', () => {
    const input = Object.freeze([cond({ type: 'A', status: 'True' })]);
    const out = setCondition(input, { type: 'A', status: 'False', severity: 'Error' }, T1);
    assert.notEqual(out, input);
    assert.deepEqual(input, [cond({ type: 'A', status: 'True' })]);
  });

  const base: Condition = {
    type: 'A',
    status: 'False',
    severity: 'Warning',
    reason: 'Broken',
    message: 'it broke',
    lastTransitionTime: T0S,
  };
  const transitions: { name: string; change: Partial<ConditionInput>; keepsTime: boolean }[] = [
    { name: 'same state', change: {}, keepsTime: true },
    { name: 'status', change: { status: 'True' }, keepsTime: false },
    { name: 'status to Unknown', change: { status: 'Unknown' }, keepsTime: false },
    { name: 'reason', change: { reason: 'Other' }, keepsTime: false },
    { name: 'severity', change: { severity: 'Error' }, keepsTime: false },
    { name: 'severity cleared', change: { severity: undefined }, keepsTime: false },
    { name: 'message', change: { message: 'other' }, keepsTime: false },
    { name: 'message cleared', change: { message: '' }, keepsTime: false },
    { name: 'observedGeneration only', change: { observedGeneration: 7 }, keepsTime: true },
  ];
  for (const { name, change, keepsTime } of transitions) {
    void test(`lastTransitionTime ${keepsTime ? 'kept' : 'changes'} on ${name}`, () => {
      const { lastTransitionTime: _, ...input } = base;
      const out = setCondition([base], { ...input, ...change }, T1);
      assert.equal(out.length, 1);
      assert.equal(out[0]?.lastTransitionTime, keepsTime ? T0S : T1S);
      assert.equal(out[0]?.observedGeneration, change.observedGeneration);
    });
  }

  void test('empty strings and absent fields are the same state and are stored as absent', () => {
    const existing = cond({ type: 'A', status: 'True' });
    const out = setCondition(
      [existing],
      { type: 'A', status: 'True', reason: '', message: '', severity: '' },
      T1,
    );
    assert.deepEqual(out, [existing]);
    assert.ok(!('reason' in (out[0] ?? {})));
  });

  void test('replaces the condition of the same type and drops duplicates', () => {
    const dup = [cond({ type: 'A', status: 'True' }), cond({ type: 'A', status: 'False' })];
    const out = setCondition(dup, { type: 'A', status: 'Unknown' }, T1);
    assert.deepEqual(out, [{ type: 'A', status: 'Unknown', lastTransitionTime: T1S }]);
  });

  void test('sorts Ready first, then the others by type', () => {
    let cs: Condition[] = [];
    for (const type of ['Zeta', 'Ready', 'Alpha', 'Mid', 'ReadyToo', 'alpha']) {
      cs = setCondition(cs, { type, status: 'True' }, T0);
    }
    // Byte order like Go: upper case before lower case.
    assert.deepEqual(types(cs), ['Ready', 'Alpha', 'Mid', 'ReadyToo', 'Zeta', 'alpha']);
  });

  void test('keeps a stable field order for serialisation', () => {
    const out = setCondition(
      [],
      { message: 'm', reason: 'r', severity: 'Info', status: 'False', type: 'A', observedGeneration: 2 },
      T0,
    );
    assert.deepEqual(Object.keys(out[0] ?? {}), [
      'type',
      'status',
      'lastTransitionTime',
      'severity',
      'reason',
      'message',
      'observedGeneration',
    ]);
  });

  void test('the default time is now', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const out = setCondition([], { type: 'A', status: 'True' });
    const t = Date.parse(out[0]?.lastTransitionTime ?? '');
    assert.ok(t >= before && t <= Date.now());
  });
});

void describe('mark helpers and getters', () => {
  void test('markTrue clears reason, severity and message', () => {
    const start = [cond({ type: 'A', status: 'False', severity: 'Error', reason: 'R', message: 'M' })];
    assert.deepEqual(markTrue(start, 'A', T1), [{ type: 'A', status: 'True', lastTransitionTime: T1S }]);
  });

  void test('markFalse records reason, severity and message', () => {
    assert.deepEqual(markFalse(undefined, 'A', 'NotFound', 'Warning', 'secret x not found', T1), [
      {
        type: 'A',
        status: 'False',
        severity: 'Warning',
        reason: 'NotFound',
        message: 'secret x not found',
        lastTransitionTime: T1S,
      },
    ]);
  });

  void test('markUnknown records reason and message without severity', () => {
    assert.deepEqual(markUnknown([], 'A', 'Pending', 'waiting', T1), [
      { type: 'A', status: 'Unknown', reason: 'Pending', message: 'waiting', lastTransitionTime: T1S },
    ]);
  });

  void test('marking the same state twice keeps the first transition time', () => {
    const once = markFalse([], 'A', 'R', 'Error', 'M', T0);
    assert.deepEqual(markFalse(once, 'A', 'R', 'Error', 'M', T1), once);
    assert.deepEqual(markTrue(markTrue([], 'A', T0), 'A', T1), markTrue([], 'A', T0));
  });

  const cs = [
    cond({ type: 'T', status: 'True' }),
    cond({ type: 'F', status: 'False' }),
    cond({ type: 'U', status: 'Unknown' }),
  ];
  const table: { type: string; isTrue: boolean; isFalse: boolean; isUnknown: boolean }[] = [
    { type: 'T', isTrue: true, isFalse: false, isUnknown: false },
    { type: 'F', isTrue: false, isFalse: true, isUnknown: false },
    { type: 'U', isTrue: false, isFalse: false, isUnknown: true },
    { type: 'Missing', isTrue: false, isFalse: false, isUnknown: true },
  ];
  for (const row of table) {
    void test(`status predicates for ${row.type}`, () => {
      assert.equal(isTrue(cs, row.type), row.isTrue);
      assert.equal(isFalse(cs, row.type), row.isFalse);
      assert.equal(isUnknown(cs, row.type), row.isUnknown);
    });
  }

  void test('getCondition finds by type and tolerates undefined', () => {
    assert.equal(getCondition(cs, 'F')?.status, 'False');
    assert.equal(getCondition(cs, 'Missing'), undefined);
    assert.equal(getCondition(undefined, 'F'), undefined);
    assert.equal(isTrue(undefined, 'T'), false);
  });

  void test('removeCondition returns a new array without the type', () => {
    const out = removeCondition(cs, 'F');
    assert.deepEqual(types(out), ['T', 'U']);
    assert.equal(cs.length, 3);
    assert.deepEqual(removeCondition(undefined, 'F'), []);
  });

  void test('sortConditions copies and tolerates undefined', () => {
    const input = [cond({ type: 'B', status: 'True' }), cond({ type: 'Ready', status: 'True' })];
    assert.deepEqual(types(sortConditions(input)), ['Ready', 'B']);
    assert.deepEqual(types(input), ['B', 'Ready']);
    assert.deepEqual(sortConditions(undefined), []);
  });

  void test('formatConditionTime drops fractional seconds', () => {
    assert.equal(formatConditionTime(new Date('2024-01-02T03:04:05.999Z')), '2024-01-02T03:04:05Z');
    assert.equal(formatConditionTime(new Date('2024-01-02T03:04:05Z')), '2024-01-02T03:04:05Z');
  });
});

void describe('setSummary', () => {
  const errA = cond({ type: 'A', status: 'False', severity: 'Error', reason: 'ErrA', message: 'a failed' });
  const errB = cond({ type: 'B', status: 'False', severity: 'Error', reason: 'ErrB', message: 'b failed' });
  const warnC = cond({
    type: 'C',
    status: 'False',
    severity: 'Warning',
    reason: 'WarnC',
    message: 'c warns',
  });
  const warnD = cond({
    type: 'D',
    status: 'False',
    severity: 'Warning',
    reason: 'WarnD',
    message: 'd warns',
  });
  const infoE = cond({ type: 'E', status: 'False', severity: 'Info', reason: 'InfoE', message: 'e info' });
  const trueF = cond({ type: 'F', status: 'True' });
  const trueG = cond({ type: 'G', status: 'True' });
  const unkH = cond({ type: 'H', status: 'Unknown', reason: 'UnkH', message: 'h unknown' });
  const unkI = cond({ type: 'I', status: 'Unknown', reason: 'UnkI', message: 'i unknown' });
  const bareJ = cond({ type: 'J', status: 'False', reason: 'BareJ', message: 'j no severity' });

  type Ready = Omit<Condition, 'type' | 'lastTransitionTime'>;
  const table: { name: string; input: Condition[]; want: Ready }[] = [
    { name: 'all True', input: [trueF, trueG], want: { status: 'True' } },
    { name: 'single True', input: [trueF], want: { status: 'True' } },
    {
      name: 'Error beats everything, first Error in sorted order wins',
      input: [unkH, trueF, infoE, warnC, errB, errA],
      want: { status: 'False', severity: 'Error', reason: 'ErrA', message: 'a failed' },
    },
    {
      name: 'Warning beats Info, True and Unknown',
      input: [unkI, trueG, infoE, warnD, warnC],
      want: { status: 'False', severity: 'Warning', reason: 'WarnC', message: 'c warns' },
    },
    {
      name: 'Info beats True and Unknown',
      input: [unkH, trueF, infoE],
      want: { status: 'False', severity: 'Info', reason: 'InfoE', message: 'e info' },
    },
    { name: 'True beats Unknown', input: [unkH, trueF, unkI], want: { status: 'True' } },
    {
      name: 'Unknown only',
      input: [unkI, unkH],
      want: { status: 'Unknown', reason: 'UnkH', message: 'h unknown' },
    },
    {
      name: 'Unknown without reason or message',
      input: [cond({ type: 'X', status: 'Unknown' })],
      want: { status: 'Unknown' },
    },
    {
      name: 'False without severity ranks as Error',
      input: [trueF, bareJ],
      want: { status: 'False', severity: 'Error', reason: 'BareJ', message: 'j no severity' },
    },
    {
      name: 'False without severity beats Warning',
      input: [warnC, bareJ],
      want: { status: 'False', severity: 'Error', reason: 'BareJ', message: 'j no severity' },
    },
    {
      name: 'False without severity shares the Error group in sorted order',
      input: [bareJ, errB],
      want: { status: 'False', severity: 'Error', reason: 'ErrB', message: 'b failed' },
    },
    {
      name: 'the previous Ready is not part of the summary',
      input: [cond({ type: 'Ready', status: 'False', severity: 'Error', reason: 'Old' }), trueF],
      want: { status: 'True' },
    },
  ];
  for (const { name, input, want } of table) {
    void test(name, () => {
      const out = setSummary(input, T1);
      assert.equal(out[0]?.type, 'Ready');
      const { type: _t, lastTransitionTime: _l, ...ready } = out[0] ?? cond({ type: '', status: 'True' });
      assert.deepEqual(ready, want);
      // Every other condition is carried over unchanged.
      assert.deepEqual(out.slice(1), sortConditions(input.filter((c) => c.type !== 'Ready')));
    });
  }

  void test('no other conditions leaves Ready absent, like the Go reference', () => {
    assert.deepEqual(setSummary(undefined, T1), []);
    assert.deepEqual(setSummary([], T1), []);
  });

  void test('no other conditions leaves an existing Ready untouched', () => {
    const ready = cond({ type: 'Ready', status: 'False', severity: 'Info', reason: 'Pending' });
    assert.deepEqual(setSummary([ready], T1), [ready]);
  });

  void test('a stable summary keeps Ready lastTransitionTime', () => {
    const first = setSummary([errA, trueF], T0);
    const again = setSummary(first, T1);
    assert.deepEqual(again, first);
    assert.equal(getCondition(again, 'Ready')?.lastTransitionTime, T0S);
  });

  void test('a changed summary moves Ready lastTransitionTime', () => {
    const first = setSummary([errA, trueF], T0);
    const fixed = setSummary(markTrue(first, 'A', T1), T1);
    assert.deepEqual(getCondition(fixed, 'Ready'), {
      type: 'Ready',
      status: 'True',
      lastTransitionTime: T1S,
    });
  });

  void test('ignored types do not count', () => {
    const out = setSummary([errA, trueF], T1, { ignore: ['A'] });
    assert.equal(getCondition(out, 'Ready')?.status, 'True');
    // Everything ignored is the same as nothing to summarise.
    assert.deepEqual(setSummary([errA], T1, { ignore: ['A'] }), [errA]);
  });

  void test('a custom target type summarises everything else, including Ready', () => {
    const ready = cond({ type: 'Ready', status: 'False', severity: 'Warning', reason: 'R', message: 'm' });
    const out = setSummary([ready, trueF], T1, { readyType: 'Healthy' });
    assert.deepEqual(getCondition(out, 'Healthy'), {
      type: 'Healthy',
      status: 'False',
      severity: 'Warning',
      reason: 'R',
      message: 'm',
      lastTransitionTime: T1S,
    });
    assert.deepEqual(types(out), ['Ready', 'F', 'Healthy']);
  });

  void test('does not mutate its input', () => {
    const input = Object.freeze([trueG, errA]);
    setSummary(input, T1);
    assert.deepEqual(input, [trueG, errA]);
  });
});

void describe('conditionsEqualIgnoringTime', () => {
  const a = cond({ type: 'A', status: 'False', severity: 'Error', reason: 'R', message: 'M' });
  const ready = cond({ type: 'Ready', status: 'True' });
  const table: { name: string; x: Condition[] | undefined; y: Condition[] | undefined; equal: boolean }[] = [
    { name: 'both empty', x: [], y: undefined, equal: true },
    { name: 'identical', x: [ready, a], y: [ready, a], equal: true },
    { name: 'only times differ', x: [a], y: [{ ...a, lastTransitionTime: T1S }], equal: true },
    { name: 'order differs', x: [a, ready], y: [ready, a], equal: true },
    { name: 'empty string vs absent', x: [ready], y: [{ ...ready, reason: '', message: '' }], equal: true },
    { name: 'length differs', x: [a], y: [a, ready], equal: false },
    { name: 'status differs', x: [a], y: [{ ...a, status: 'True' }], equal: false },
    { name: 'severity differs', x: [a], y: [{ ...a, severity: 'Warning' }], equal: false },
    { name: 'reason differs', x: [a], y: [{ ...a, reason: 'Other' }], equal: false },
    { name: 'message differs', x: [a], y: [{ ...a, message: 'other' }], equal: false },
    { name: 'type differs', x: [a], y: [{ ...a, type: 'B' }], equal: false },
    { name: 'observedGeneration differs', x: [a], y: [{ ...a, observedGeneration: 3 }], equal: false },
  ];
  for (const { name, x, y, equal } of table) {
    void test(name, () => {
      assert.equal(conditionsEqualIgnoringTime(x, y), equal);
      assert.equal(conditionsEqualIgnoringTime(y, x), equal);
    });
  }

  void test('recomputing an unchanged status is detected as a no-op', () => {
    const stored = setSummary(markFalse(markTrue([], 'B', T0), 'A', 'R', 'Warning', 'M', T0), T0);
    const recomputed = setSummary(markFalse(markTrue(stored, 'B', T1), 'A', 'R', 'Warning', 'M', T1), T1);
    assert.ok(conditionsEqualIgnoringTime(stored, recomputed));
    const changed = setSummary(markTrue(stored, 'A', T1), T1);
    assert.ok(!conditionsEqualIgnoringTime(stored, changed));
  });
});
