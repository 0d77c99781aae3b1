import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConnectionLimit, describePlan, planShape } from './planShape.js';

describe('planShape', () => {
  it('reads size, topology and TLS from plan names of every service', () => {
    assert.deepEqual(planShape('postgresql-replica-small-ssl-bionic'), {
      size: 'small',
      clustered: true,
      tls: true,
    });
    assert.deepEqual(planShape('postgresql-single-nano'), { size: 'nano', clustered: false, tls: false });
    assert.deepEqual(planShape('mariadb-cluster-big-ssl'), { size: 'big', clustered: true, tls: true });
  });
});

describe('defaultConnectionLimit', () => {
  it('grows with the plan size', () => {
    assert.equal(defaultConnectionLimit('postgresql-single-nano'), 10);
    assert.equal(defaultConnectionLimit('postgresql-single-small'), 50);
    assert.equal(defaultConnectionLimit('postgresql-replica-big-ssl'), 200);
    assert.equal(defaultConnectionLimit('mariadb-single-big'), 200);
  });
});

describe('describePlan', () => {
  it('names the size and the connection limit', () => {
    assert.match(
      describePlan('PostgreSQL', 'postgresql-single-small-ssl'),
      /small single-node plan, TLS.*50 connections/,
    );
  });
});
