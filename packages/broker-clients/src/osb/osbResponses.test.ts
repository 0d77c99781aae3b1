import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedBodyError } from '../http/jsonBody.js';
import { parseA9sInstance, parseBindingDetails, parseCatalog, parseLastOperation } from './osbResponses.js';

describe('OSB response readers', () => {
  it('reads expires_at/renew_before from metadata (2.17) and from the top level', () => {
    const a = parseBindingDetails({
      credentials: {},
      metadata: { expires_at: '2026-05-01T00:00:00Z', renew_before: '2026-04-30T00:00:00Z' },
    });
    assert.deepEqual(a.expiresAt, new Date('2026-05-01T00:00:00Z'));
    assert.deepEqual(a.renewBefore, new Date('2026-04-30T00:00:00Z'));
    const b = parseBindingDetails({ expires_at: '2026-05-01T00:00:00Z' });
    assert.deepEqual(b.expiresAt, new Date('2026-05-01T00:00:00Z'));
    assert.throws(
      () => parseBindingDetails({ metadata: { expires_at: 'next tuesday' } }),
      MalformedBodyError,
    );
    assert.throws(
      () => parseBindingDetails({ credentials: 'user:pass' }),
      /"credentials" is a string, not an object/,
    );
  });

  it('checks last_operation states and optional flags', () => {
    assert.deepEqual(
      parseLastOperation({ state: 'failed', description: 'disk full', instance_usable: true }),
      {
        state: 'failed',
        description: 'disk full',
        instanceUsable: true,
      },
    );
    assert.throws(() => parseLastOperation({}), /"state" is missing/);
    assert.throws(
      () => parseLastOperation({ state: 'succeeded', update_repeatable: 'yes' }),
      /not a boolean/,
    );
  });

  it('requires ids and names in the catalog and keeps unknown fields', () => {
    const c = parseCatalog({
      services: [
        {
          id: 's',
          name: 'svc',
          bindable: true,
          plans: [{ id: 'p', name: 'plan', extra: 1, maximum_polling_duration: 60 }],
        },
      ],
    });
    assert.equal(c.services[0]?.plans[0]?.maximum_polling_duration, 60);
    assert.equal((c.services[0]?.plans[0] as unknown as { extra: number }).extra, 1);
    assert.equal(c.services[0]?.description, '');
    assert.throws(() => parseCatalog({}), /"services" is missing/);
    assert.throws(
      () => parseCatalog({ services: [{ id: 's', name: 'svc', plans: [{ name: 'x' }] }] }),
      /service "svc" plan 1\."id" is missing/,
    );
    assert.throws(
      () =>
        parseCatalog({
          services: [
            { id: 's', name: 'svc', plans: [{ id: 'p', name: 'x', maximum_polling_duration: '60' }] },
          ],
        }),
      /not a number/,
    );
  });

  it('maps a9s instances to camelCase and accepts numeric ids', () => {
    const i = parseA9sInstance({
      id: 7,
      plan_guid: 'p',
      service_guid: 's',
      state: 'provisioned',
      guid_at_tenant: 'g',
      context: { organization_guid: 'o', space_guid: 'sp', parameters: { a: 1 } },
      credentials: [{ id: 1, instance_id: 7, guid_at_tenant: 'b' }],
      vm_details: { x: 1 },
    });
    assert.equal(i.id, '7');
    assert.equal(i.guidAtTenant, 'g');
    assert.deepEqual(i.context, { organizationGuid: 'o', spaceGuid: 'sp', parameters: { a: 1 } });
    assert.deepEqual(i.credentials, [{ id: '1', instanceId: '7', guidAtTenant: 'b' }]);
    assert.deepEqual(i.raw.vm_details, { x: 1 });
    assert.equal('deletedAt' in i, false, 'absent fields are left out');
  });
});
