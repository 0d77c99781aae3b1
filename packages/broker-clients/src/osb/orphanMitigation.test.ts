import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orphanMitigationFor, type OsbCallOutcome } from './orphanMitigation.js';
import {
  OsbMalformedResponseError,
  OsbTimeoutError,
  OsbUnreachableError,
  osbErrorFromAnswer,
} from './osbErrors.js';

const ctx = { operation: 'provision' as const, brokerUrl: 'http://broker' };

describe('orphanMitigationFor (the OSB table)', () => {
  const rows: Array<[string, OsbCallOutcome, boolean]> = [
    ['200', { kind: 'answer', status: 200 }, false],
    ['200 malformed', { kind: 'answer', status: 200, malformedBody: true }, false],
    ['201', { kind: 'answer', status: 201 }, false],
    ['201 malformed', { kind: 'answer', status: 201, malformedBody: true }, true],
    ['202', { kind: 'answer', status: 202 }, false],
    ['202 malformed', { kind: 'answer', status: 202, malformedBody: true }, true],
    ['204', { kind: 'answer', status: 204 }, true],
    ['408', { kind: 'answer', status: 408 }, true],
    ['400', { kind: 'answer', status: 400 }, false],
    ['409', { kind: 'answer', status: 409 }, false],
    ['422', { kind: 'answer', status: 422 }, false],
    ['500', { kind: 'answer', status: 500 }, true],
    ['503', { kind: 'answer', status: 503 }, true],
    ['timeout/reset after sending', { kind: 'no-answer', requestSent: true }, true],
    ['connection refused', { kind: 'no-answer', requestSent: false }, false],
  ];
  for (const [label, outcome, mitigate] of rows) {
    it(`${label} → ${mitigate ? 'mitigate' : 'no mitigation'}`, () => {
      assert.equal(orphanMitigationFor('provision', outcome), mitigate ? 'deprovision' : 'none');
      assert.equal(orphanMitigationFor('bind', outcome), mitigate ? 'unbind' : 'none');
    });
  }

  it('reads the outcome from errors', () => {
    assert.equal(
      orphanMitigationFor('provision', osbErrorFromAnswer(ctx, { status: 500, headers: {}, text: '' })),
      'deprovision',
    );
    assert.equal(
      orphanMitigationFor('provision', osbErrorFromAnswer(ctx, { status: 409, headers: {}, text: '' })),
      'none',
    );
    assert.equal(
      orphanMitigationFor(
        'bind',
        new OsbMalformedResponseError({ ...ctx, operation: 'bind', status: 201, reason: 'x' }),
      ),
      'unbind',
    );
    assert.equal(
      orphanMitigationFor('provision', new OsbMalformedResponseError({ ...ctx, status: 200, reason: 'x' })),
      'none',
    );
    assert.equal(
      orphanMitigationFor('provision', new OsbTimeoutError({ ...ctx, detail: 'x' })),
      'deprovision',
    );
    assert.equal(
      orphanMitigationFor('provision', new OsbUnreachableError({ ...ctx, detail: 'x', requestSent: false })),
      'none',
    );
    assert.equal(
      orphanMitigationFor('provision', new OsbUnreachableError({ ...ctx, detail: 'x', requestSent: true })),
      'deprovision',
    );
  });
});
