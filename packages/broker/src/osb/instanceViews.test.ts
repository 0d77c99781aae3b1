import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InstanceRecord } from '../state/stateRecords.js';
import { a9sInstanceView, dashboardPage } from './instanceViews.js';

const instance: InstanceRecord = {
  id: 'i-1',
  engine: 'postgresql',
  serviceId: 's',
  serviceName: 'a9s-postgresql15',
  planId: 'p',
  planName: 'postgresql-single-small',
  parameters: { work_mem: '<b>' },
  context: { platform: 'kubernetes', namespace: 'team' },
  organizationGuid: null,
  spaceGuid: null,
  databaseName: 'klutch_x',
  state: 'provisioned',
  sealedBackupPassphrase: Buffer.alloc(0),
  excludeFromAutoBackup: false,
  credentialsUpdatedByUser: false,
  createdAt: new Date('2025-01-01T00:00:00Z'),
  updatedAt: new Date('2025-01-02T00:00:00Z'),
  provisionedAt: new Date('2025-01-01T00:01:00Z'),
  deletedAt: null,
};

describe('a9sInstanceView', () => {
  it('reports ids, state, timestamps and parameters in the a9s shape', () => {
    const view = a9sInstanceView(instance, [], 'http://x/dashboard/instances/i-1');
    assert.equal(view.plan_guid, 'p');
    assert.equal(view.service_guid, 's');
    assert.equal(view.guid_at_tenant, 'i-1');
    assert.equal(view.state, 'provisioned');
    assert.equal(view.provisioned_at, '2025-01-01T00:01:00.000Z');
    assert.equal(view.deleted_at, null);
    assert.deepEqual(view.context.parameters, { work_mem: '<b>' });
    assert.equal((view.context as Record<string, unknown>).namespace, 'team');
  });
});

describe('dashboardPage', () => {
  it('escapes every value', () => {
    const html = dashboardPage(instance, [], undefined);
    assert.ok(html.includes('&lt;b&gt;'));
    assert.ok(!html.includes('<b>'));
  });
});
