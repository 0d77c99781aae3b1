import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyvalueCatalog, mariadbCatalog, postgresqlCatalog } from '@klutch/api';
import { BrokerCatalog } from './brokerCatalog.js';
import { keyvalueOffering, mariadbOffering, messagingOffering, postgresOffering } from './engineOfferings.js';
import { planIdFor, serviceIdFor } from './stableId.js';

const both = new BrokerCatalog([
  { offering: postgresOffering, serverVersion: '15.20' },
  { offering: mariadbOffering, serverVersion: '10.11.19' },
]);

describe('BrokerCatalog', () => {
  it('offers exactly the app-facing service and plan names', () => {
    assert.deepEqual(both.serviceNames(), [...postgresqlCatalog.services, ...mariadbCatalog.services]);
    const pg15 = both.document.services.find((s) => s.name === 'a9s-postgresql15');
    assert.deepEqual(
      pg15?.plans.map((p) => p.name),
      [...postgresqlCatalog.plans],
    );
    const maria = both.document.services.find((s) => s.name === 'a9s-mariadb1011');
    assert.deepEqual(
      maria?.plans.map((p) => p.name),
      [...mariadbCatalog.plans],
    );
    assert.equal(maria?.metadata.displayName, 'a9s MariaDB 10.11');
  });

  it('uses stable ids that are unique across the catalog', () => {
    const ids = both.document.services.flatMap((s) => [s.id, ...s.plans.map((p) => p.id)]);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(both.document.services[0]?.id, serviceIdFor('a9s-postgresql13'));
    assert.equal(
      both.findPlan(
        serviceIdFor('a9s-postgresql15'),
        planIdFor('a9s-postgresql15', 'postgresql-single-small'),
      )?.plan.name,
      'postgresql-single-small',
    );
  });

  it('marks every plan updateable, bindable and rotatable with draft-04 parameter schemas', () => {
    for (const service of both.document.services) {
      for (const plan of service.plans) {
        assert.equal(plan.plan_updateable, true);
        assert.equal(plan.bindable, true);
        assert.equal(plan.binding_rotatable, true);
        assert.equal(plan.maximum_polling_duration, 600);
        assert.equal(
          plan.schemas.service_instance.create.parameters.$schema,
          'http://json-schema.org/draft-04/schema#',
        );
      }
    }
  });

  it('does not resolve a plan under another service, and lists only reachable engines', () => {
    assert.equal(
      both.findPlan(
        serviceIdFor('a9s-postgresql13'),
        planIdFor('a9s-postgresql15', 'postgresql-single-small'),
      ),
      undefined,
    );
    const pgOnly = new BrokerCatalog([{ offering: postgresOffering, serverVersion: '15' }]);
    assert.deepEqual(pgOnly.serviceNames(), [...postgresqlCatalog.services]);
    assert.throws(() => pgOnly.validatorFor('mariadb'), /no mariadb services/);
  });
});

describe('BrokerCatalog with messaging', () => {
  const catalog = new BrokerCatalog([{ offering: messagingOffering, serverVersion: '3.10.8' }]);

  it('offers every a9s messaging plan, and refuses those the single 3.10 node cannot honour', () => {
    const id = (service: string, plan: string) => planIdFor(service, plan);
    assert.equal(catalog.refusalOf(id('a9s-messaging310', 'messaging-single-small')), undefined);
    assert.match(catalog.refusalOf(id('a9s-messaging312', 'messaging-single-small')) ?? '', /3\.12/);
    assert.match(catalog.refusalOf(id('a9s-messaging310', 'messaging-cluster-big')) ?? '', /cluster/);
    const service = catalog.document.services.find((s) => s.name === 'a9s-messaging310');
    assert.equal(service?.metadata.displayName, 'a9s RabbitMQ 3.10');
    assert.match(service?.description ?? '', /a virtual host on the local RabbitMQ server/);
  });
});

describe('BrokerCatalog with key-value', () => {
  const catalog = new BrokerCatalog([{ offering: keyvalueOffering, serverVersion: '7.0.15' }]);

  it('lists every a9s KeyValue plan and describes an instance as a key namespace', () => {
    const service = catalog.document.services.find((s) => s.name === 'a9s-keyvalue8');
    assert.deepEqual(
      service?.plans.map((p) => p.name),
      [...keyvalueCatalog.plans],
    );
    assert.match(service?.description ?? '', /key namespace on the local Redis server/);
  });

  it('refuses the replicated plans with the reason and runs the single ones', () => {
    const id = (plan: string) => planIdFor('a9s-keyvalue8', plan);
    assert.match(
      catalog.refusalOf(id('keyvalue-replica-small-ssl')) ?? '',
      /replicas and Sentinel.*keyvalue-single-\*/,
    );
    assert.equal(catalog.refusalOf(id('keyvalue-single-nano-ssl')), undefined);
  });

  it('explains that server settings cannot be set per instance', () => {
    const problems = catalog.validatorFor('keyvalue')({ maxmemory: '1gb', 'tls-protocols': 'TLSv1.3' });
    assert.equal(problems.length, 2);
    assert.match(problems.join(' '), /"maxmemory" cannot be set .* shares one Redis server/);
    assert.match(problems.join(' '), /"tls-protocols" cannot be set .* without TLS/);
    assert.deepEqual(catalog.validatorFor('keyvalue')({}), []);
  });
});
