import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderConfigUsageObject } from './managedResources.js';
import {
  desiredUsage,
  inUseFinalizer,
  inUseStep,
  staleUsages,
  usageUpToDate,
  usersOf,
} from './providerConfigUsage.js';

const mr = {
  apiVersion: 'dataservices.anynines.com/v1',
  kind: 'ServiceInstance',
  metadata: { name: 'postgresqlinstance-team-a-pg', uid: 'uid-1' },
  spec: { providerConfigRef: { name: 'postgresql-service-broker' } },
};

void describe('ProviderConfigUsage', () => {
  void it('is named after the resource UID, labelled with the ProviderConfig and owned by the resource', () => {
    assert.deepEqual(desiredUsage(mr), {
      apiVersion: 'dataservices.anynines.com/v1',
      kind: 'ProviderConfigUsage',
      metadata: {
        name: 'uid-1',
        labels: { 'crossplane.io/provider-config': 'postgresql-service-broker' },
        ownerReferences: [
          {
            apiVersion: 'dataservices.anynines.com/v1',
            kind: 'ServiceInstance',
            name: 'postgresqlinstance-team-a-pg',
            uid: 'uid-1',
            controller: true,
          },
        ],
      },
      providerConfigRef: { name: 'postgresql-service-broker' },
      resourceRef: {
        apiVersion: 'dataservices.anynines.com/v1',
        kind: 'ServiceInstance',
        name: 'postgresqlinstance-team-a-pg',
        uid: 'uid-1',
      },
    });
  });

  void it('uses the ProviderConfig default when the resource names none, and none without a UID', () => {
    assert.equal(desiredUsage({ ...mr, spec: {} })?.providerConfigRef.name, 'default');
    assert.equal(desiredUsage({ ...mr, metadata: { name: 'x' } }), undefined);
  });

  void it('is rewritten when the resource moves to another ProviderConfig', () => {
    const current = desiredUsage(mr) as ProviderConfigUsageObject;
    assert.ok(usageUpToDate(current, current));
    const moved = desiredUsage({ ...mr, spec: { providerConfigRef: { name: 'other' } } });
    assert.ok(moved);
    assert.equal(usageUpToDate(current, moved), false);
    assert.equal(usageUpToDate(undefined, moved), false);
  });

  void it('finds usages of a deleted or re-created resource and counts users per ProviderConfig', () => {
    const usage = desiredUsage(mr) as ProviderConfigUsageObject;
    assert.deepEqual(staleUsages([usage], 'ServiceInstance', mr.metadata.name, mr), []);
    assert.deepEqual(staleUsages([usage], 'ServiceInstance', mr.metadata.name, undefined), [usage]);
    const recreated = { ...mr, metadata: { ...mr.metadata, uid: 'uid-2' } };
    assert.deepEqual(staleUsages([usage], 'ServiceInstance', mr.metadata.name, recreated), [usage]);
    assert.deepEqual(staleUsages([usage], 'Backup', mr.metadata.name, undefined), []);
    assert.equal(usersOf([usage], 'postgresql-service-broker'), 1);
    assert.equal(usersOf([usage], 'other'), 0);
  });
});

void describe('in-use protection of a ProviderConfig', () => {
  const pc = (finalizers: string[], deleting: boolean) => ({
    metadata: {
      name: 'postgresql-service-broker',
      finalizers,
      ...(deleting ? { deletionTimestamp: '2026-12-02T00:00:00Z' } : {}),
    },
  });

  void it('adds the finalizer to every ProviderConfig', () => {
    assert.deepEqual(inUseStep(pc([], false), 0), { action: 'addFinalizer' });
    assert.deepEqual(inUseStep(pc([inUseFinalizer], false), 3), { action: 'none' });
  });

  void it('blocks the deletion while resources use it, with a message that says how to find them', () => {
    const step = inUseStep(pc([inUseFinalizer], true), 2);
    assert.equal(step.action, 'blockDeletion');
    assert.equal(
      step.action === 'blockDeletion' ? step.message : '',
      'ProviderConfig "postgresql-service-broker" is in use by 2 managed resources and is deleted once they are gone; see kubectl get providerconfigusages -l crossplane.io/provider-config=postgresql-service-broker.',
    );
  });

  void it('lets the deletion finish when no resource uses it any more', () => {
    assert.deepEqual(inUseStep(pc([inUseFinalizer], true), 0), { action: 'removeFinalizer' });
    assert.deepEqual(inUseStep(pc(['other'], true), 1), { action: 'none' });
  });
});
