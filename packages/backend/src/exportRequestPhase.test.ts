import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextRequestStep } from './exportRequestPhase.js';

const timings = { failAfterMs: 60_000, deleteAfterMs: 600_000 };

describe('nextRequestStep', () => {
  it('succeeds when every export exists and schedules the deletion', () => {
    assert.deepEqual(nextRequestStep('Pending', 1_000, { ok: true }, timings), {
      kind: 'wait',
      phase: 'Succeeded',
      recheckAfterMs: 599_000,
    });
  });

  it('stays Pending while failing for less than the timeout, retrying soon', () => {
    assert.deepEqual(nextRequestStep('Pending', 1_000, { ok: false, message: 'm' }, timings), {
      kind: 'wait',
      phase: 'Pending',
      recheckAfterMs: 5_000,
    });
    assert.equal(nextRequestStep('Pending', 58_000, { ok: false, message: 'm' }, timings).kind, 'wait');
    const s = nextRequestStep('Pending', 58_000, { ok: false, message: 'm' }, timings);
    assert.equal(s.kind === 'wait' ? s.recheckAfterMs : 0, 2_000);
  });

  it('fails after the timeout with the failure as terminal message', () => {
    assert.deepEqual(nextRequestStep('Pending', 60_000, { ok: false, message: 'CRD x not found' }, timings), {
      kind: 'wait',
      phase: 'Failed',
      terminalMessage: 'CRD x not found',
      recheckAfterMs: 540_000,
    });
  });

  it('deletes finished requests after the retention, on a timer before that', () => {
    assert.deepEqual(nextRequestStep('Succeeded', 100_000, undefined, timings), {
      kind: 'wait',
      phase: 'Succeeded',
      recheckAfterMs: 500_000,
    });
    assert.deepEqual(nextRequestStep('Failed', 600_000, undefined, timings), { kind: 'delete' });
  });

  it('fails a terminal refusal at once, whatever its age', () => {
    assert.deepEqual(
      nextRequestStep('Pending', 1_000, { ok: false, message: 'm', terminal: true }, timings),
      {
        kind: 'wait',
        phase: 'Failed',
        terminalMessage: 'm',
        recheckAfterMs: 599_000,
      },
    );
  });
});
