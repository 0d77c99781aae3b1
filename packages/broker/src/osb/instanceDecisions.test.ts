import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperationRecord } from '../state/stateRecords.js';
import { a9sState, decideDeprovision, decideProvision, decideUpdate } from './instanceDecisions.js';
import type { InstanceFacts } from './instanceDecisions.js';

const instance: InstanceFacts = {
  id: 'i1',
  state: 'provisioned',
  serviceId: 's',
  serviceName: 'a9s-postgresql15',
  planId: 'p',
  planName: 'postgresql-single-small',
  parameters: { work_mem: '4MB', max_connections: 5 },
  provisionedAt: new Date(),
};

function op(kind: OperationRecord['kind'], target: OperationRecord['target'] = null): OperationRecord {
  return {
    id: `${kind}-1`,
    instanceId: 'i1',
    kind,
    state: 'in progress',
    description: '',
    target,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
}

const same = { serviceId: 's', planId: 'p', parameters: { max_connections: 5, work_mem: '4MB' } };

describe('decideProvision', () => {
  it('creates unknown, deleted and never-provisioned instances', () => {
    assert.deepEqual(decideProvision(undefined, undefined, same), { action: 'create' });
    assert.deepEqual(decideProvision({ ...instance, state: 'deleted' }, undefined, same), {
      action: 'create',
    });
    assert.deepEqual(
      decideProvision({ ...instance, state: 'failed', provisionedAt: null }, undefined, same),
      { action: 'create' },
    );
  });

  it('answers identical repeats with 200 or the running operation', () => {
    assert.deepEqual(decideProvision(instance, undefined, same), { action: 'alreadyProvisioned' });
    assert.deepEqual(decideProvision({ ...instance, state: 'provisioning' }, op('provision'), same), {
      action: 'inProgress',
      operationId: 'provision-1',
    });
    assert.deepEqual(decideProvision({ ...instance, state: 'deprovisioning' }, op('deprovision'), same), {
      action: 'busy',
    });
  });

  it('reports a conflict for other attributes, naming the existing service and plan', () => {
    const d = decideProvision(instance, undefined, { ...same, parameters: { work_mem: '8MB' } });
    assert.equal(d.action, 'conflict');
    assert.match(
      d.action === 'conflict' ? d.description : '',
      /already exists with service a9s-postgresql15, plan postgresql-single-small/,
    );
    assert.equal(decideProvision(instance, undefined, { ...same, planId: 'other' }).action, 'conflict');
  });
});

describe('decideUpdate', () => {
  const target = { planId: 'p2', planName: 'postgresql-single-big', parameters: {} };

  it('starts a change and skips a no-op', () => {
    assert.deepEqual(decideUpdate(instance, undefined, target), { action: 'start' });
    assert.deepEqual(
      decideUpdate(instance, undefined, {
        planId: 'p',
        planName: 'x',
        parameters: { work_mem: '4MB', max_connections: 5 },
      }),
      { action: 'noChange' },
    );
  });

  it('returns the running update for the same target and refuses others while busy', () => {
    assert.deepEqual(decideUpdate(instance, op('update', target), target), {
      action: 'inProgress',
      operationId: 'update-1',
    });
    assert.deepEqual(decideUpdate(instance, op('update', { ...target, planId: 'p3' }), target), {
      action: 'busy',
    });
    assert.deepEqual(decideUpdate(instance, op('provision'), target), { action: 'busy' });
  });

  it('refuses an instance that never provisioned', () => {
    assert.equal(
      decideUpdate({ ...instance, state: 'failed', provisionedAt: null }, undefined, target).action,
      'notUsable',
    );
  });
});

describe('decideDeprovision', () => {
  it('covers gone, repeat, busy and start', () => {
    assert.deepEqual(decideDeprovision(undefined, undefined), { action: 'gone' });
    assert.deepEqual(decideDeprovision({ ...instance, state: 'deleted' }, undefined), { action: 'gone' });
    assert.deepEqual(decideDeprovision(instance, op('deprovision')), {
      action: 'inProgress',
      operationId: 'deprovision-1',
    });
    assert.deepEqual(decideDeprovision(instance, op('update')), { action: 'busy' });
    assert.deepEqual(decideDeprovision({ ...instance, state: 'failed' }, undefined), { action: 'start' });
  });
});

describe('a9sState', () => {
  it('maps to the states the provider understands', () => {
    assert.equal(a9sState('provisioning'), 'deploying');
    assert.equal(a9sState('provisioned'), 'provisioned');
    assert.equal(a9sState('deprovisioning'), 'deleting');
    assert.equal(a9sState('deleted'), 'deleted');
  });
});
