import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { managedStatus } from './managedStatus.js';

const t = '2025-01-02T03:04:05Z';
const ready = { type: 'Ready', status: 'True' as const, reason: 'Available', lastTransitionTime: t };

void describe('status.managed of a claim', () => {
  void it('copies the Klutch v1.5 instance fields and the conditions of the ServiceInstance', () => {
    const mr = {
      metadata: { name: 'x' },
      status: {
        atProvider: { state: 'provisioned', createdAt: t, provisionedAt: t, updatedAt: t, planId: 'p' },
        conditions: [ready],
      },
    };
    assert.deepEqual(managedStatus('ServiceInstance', mr), {
      state: 'provisioned',
      createdAt: t,
      provisionedAt: t,
      updatedAt: t,
      conditions: [ready],
    });
  });

  void it('uses the backup manager names of a Backup as the Go composition does', () => {
    const mr = {
      metadata: { name: 'x' },
      status: { atProvider: { id: 7, status: 'done', size: 12, triggered_at: t, instanceId: 'i' } },
    };
    assert.deepEqual(managedStatus('Backup', mr), { id: 7, status: 'done', size: 12, triggered_at: t });
  });

  void it('copies binding and restore fields', () => {
    assert.deepEqual(
      managedStatus('ServiceBinding', {
        metadata: {},
        status: { atProvider: { state: 'Created', instanceId: 'i' } },
      }),
      { state: 'Created' },
    );
    assert.deepEqual(
      managedStatus('Restore', { metadata: {}, status: { atProvider: { restoreId: 3, state: 'running' } } }),
      { restoreId: 3, state: 'running' },
    );
  });

  void it('is undefined while the managed resource is missing or reports nothing', () => {
    assert.equal(managedStatus('ServiceInstance', undefined), undefined);
    assert.equal(managedStatus('ServiceInstance', { metadata: {} }), undefined);
    assert.equal(managedStatus('ServiceInstance', { metadata: {}, status: { atProvider: {} } }), undefined);
  });
});
