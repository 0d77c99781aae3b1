import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../http/httpErrors.js';
import {
  acceptsIncomplete,
  parseBindRequest,
  parseOriginatingIdentity,
  parseProvisionRequest,
  parseUpdateRequest,
  requiredQuery,
} from './osbRequests.js';

function badRequestMatching(pattern: RegExp) {
  return (err: unknown) =>
    err instanceof HttpError && err.status === 400 && pattern.test(err.body.description);
}

describe('parseProvisionRequest', () => {
  it('reads the fields and defaults the optional ones', () => {
    assert.deepEqual(parseProvisionRequest({ service_id: 's', plan_id: 'p' }), {
      serviceId: 's',
      planId: 'p',
      parameters: {},
      context: {},
      organizationGuid: null,
      spaceGuid: null,
    });
    const full = parseProvisionRequest({
      service_id: 's',
      plan_id: 'p',
      parameters: { a: 1 },
      context: { platform: 'kubernetes' },
      organization_guid: 'o',
      space_guid: 'sp',
    });
    assert.deepEqual(full.parameters, { a: 1 });
    assert.equal(full.organizationGuid, 'o');
  });

  it('names the missing or malformed field', () => {
    assert.throws(() => parseProvisionRequest(undefined), badRequestMatching(/needs a JSON object body/));
    assert.throws(() => parseProvisionRequest({ plan_id: 'p' }), badRequestMatching(/"service_id"/));
    assert.throws(
      () => parseProvisionRequest({ service_id: 's', plan_id: 'p', parameters: [1] }),
      badRequestMatching(/"parameters" of the provision request must be a JSON object/),
    );
  });
});

describe('parseUpdateRequest and parseBindRequest', () => {
  it('allow an update without a plan and keep null parameter values', () => {
    assert.deepEqual(parseUpdateRequest({ service_id: 's', parameters: { a: null } }), {
      serviceId: 's',
      planId: undefined,
      parameters: { a: null },
      context: undefined,
    });
  });

  it('read the predecessor of a rotated binding', () => {
    const r = parseBindRequest({ service_id: 's', plan_id: 'p', predecessor_binding_id: 'old' });
    assert.equal(r.predecessorBindingId, 'old');
    assert.throws(() => parseBindRequest({ service_id: 's' }), badRequestMatching(/"plan_id"/));
  });
});

describe('query helpers', () => {
  it('only accept accepts_incomplete=true', () => {
    assert.equal(acceptsIncomplete(new URLSearchParams('accepts_incomplete=true')), true);
    assert.equal(acceptsIncomplete(new URLSearchParams('accepts_incomplete=1')), false);
    assert.equal(acceptsIncomplete(new URLSearchParams('')), false);
  });

  it('name a missing query parameter', () => {
    assert.throws(
      () => requiredQuery(new URLSearchParams('plan_id=x'), 'service_id', 'deprovision'),
      badRequestMatching(/deprovision request needs the query parameter service_id/),
    );
  });
});

describe('parseOriginatingIdentity', () => {
  it('decodes the platform and its JSON value', () => {
    const encoded = Buffer.from(JSON.stringify({ username: 'alice' })).toString('base64');
    assert.deepEqual(parseOriginatingIdentity(`kubernetes ${encoded}`), {
      platform: 'kubernetes',
      value: { username: 'alice' },
    });
    assert.deepEqual(parseOriginatingIdentity('kubernetes %%%'), { platform: 'kubernetes', malformed: true });
    assert.equal(parseOriginatingIdentity(undefined), undefined);
  });
});
