import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  BackupManagedResource,
  RestoreManagedResource,
  ServiceBindingManagedResource,
  ServiceInstanceResource,
} from './composedObjects.js';
import {
  backupObservedFields,
  bindingObservedFields,
  instanceObservedFields,
  restoreObservedFields,
} from './observedStatus.js';

const t = '2025-01-02T03:04:05Z';

function serviceInstance(
  status: ServiceInstanceResource['status'],
  generation = 2,
  plan = 'postgresql-single-big',
): ServiceInstanceResource {
  return {
    apiVersion: 'dataservices.anynines.com/v1',
    kind: 'ServiceInstance',
    metadata: { name: 'x', generation },
    spec: { forProvider: { serviceName: 'a9s-postgresql15', planName: plan } },
    status,
  };
}

const synced = (observedGeneration?: number) => ({
  type: 'Synced',
  status: 'True' as const,
  reason: 'ReconcileSuccess',
  lastTransitionTime: t,
  ...(observedGeneration !== undefined ? { observedGeneration } : {}),
});

describe('observed status', () => {
  it('instance: state and timestamps, service and plan once the provider caught up', () => {
    const mr = serviceInstance({
      observedGeneration: 2,
      conditions: [synced()],
      atProvider: { state: 'available', provisionedAt: t, updatedAt: t, planId: 'p' },
    });
    assert.deepEqual(instanceObservedFields(mr), {
      state: 'available',
      provisionedAt: t,
      updatedAt: t,
      service: 'a9s-postgresql15',
      plan: 'postgresql-single-big',
    });
  });

  it('instance: keeps service and plan out while a plan change is pending or not yet observed', () => {
    const pending = serviceInstance({
      conditions: [synced(2)],
      pendingOperation: 'op-1',
      atProvider: { state: 'deploying' },
    });
    assert.deepEqual(instanceObservedFields(pending), { state: 'deploying' });

    const stale = serviceInstance({
      observedGeneration: 1,
      conditions: [synced(1)],
      atProvider: { state: 'available' },
    });
    assert.deepEqual(instanceObservedFields(stale), { state: 'available' });

    const failing = serviceInstance({
      conditions: [{ type: 'Synced', status: 'False', reason: 'ReconcileError', lastTransitionTime: t }],
      atProvider: { state: 'available' },
    });
    assert.deepEqual(instanceObservedFields(failing), { state: 'available' });

    assert.deepEqual(instanceObservedFields(serviceInstance(undefined)), {});
    assert.deepEqual(instanceObservedFields(undefined), {});
  });

  it('binding: the state', () => {
    const mr: ServiceBindingManagedResource = {
      metadata: { name: 'b' },
      spec: { forProvider: { instanceName: 'db' } },
      status: { atProvider: { state: 'Created', instanceId: 'i' } },
    };
    assert.deepEqual(bindingObservedFields(mr), { state: 'Created' });
    assert.deepEqual(bindingObservedFields(undefined), {});
  });

  it('backup: id as a string, state, size and times', () => {
    const mr: BackupManagedResource = {
      metadata: { name: 'b' },
      spec: { forProvider: { instanceName: 'db' } },
      status: {
        atProvider: {
          id: 42,
          status: 'done',
          size: 1024,
          triggered_at: t,
          finished_at: t,
          downloadable: true,
          instanceId: 'i',
        },
      },
    };
    assert.deepEqual(backupObservedFields(mr), {
      backupId: '42',
      state: 'done',
      size: 1024,
      triggeredAt: t,
      finishedAt: t,
      downloadable: true,
    });
    assert.deepEqual(backupObservedFields({ ...mr, status: {} }), {});
  });

  it('restore: id as a string, state and times', () => {
    const mr: RestoreManagedResource = {
      metadata: { name: 'r' },
      spec: { forProvider: { backupName: 'b' } },
      status: { atProvider: { restoreId: 7, backupId: 42, state: 'running', triggeredAt: t } },
    };
    assert.deepEqual(restoreObservedFields(mr), { restoreId: '7', state: 'running', triggeredAt: t });
  });
});
