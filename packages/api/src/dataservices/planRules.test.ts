import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyvalueCatalog } from './keyvalueInstance.js';
import { logme2Catalog } from './logme2Instance.js';
import { mariadbCatalog } from './mariadbInstance.js';
import { messagingCatalog } from './messagingInstance.js';
import { mongodbCatalog } from './mongodbInstance.js';
import { goMessages, planTransitionRules, sizeOfPlan, sizeRankExpression } from './planRules.js';
import { postgresqlCatalog } from './postgresqlInstance.js';
import { prometheusCatalog } from './prometheusInstance.js';
import { searchCatalog } from './searchInstance.js';

const catalogs = [
  postgresqlCatalog,
  mariadbCatalog,
  mongodbCatalog,
  messagingCatalog,
  searchCatalog,
  logme2Catalog,
  prometheusCatalog,
  keyvalueCatalog,
];

void describe('plan catalogs', () => {
  for (const catalog of catalogs) {
    void it(`${catalog.type}: every plan has exactly one known size and a topology the rules understand`, () => {
      const { sizes, clusteredMarker } = catalog.planPolicy;
      for (const plan of catalog.plans) {
        assert.ok(sizeOfPlan(plan, sizes), `${plan} must contain exactly one of ${sizes.join(', ')}`);
        const single = plan.includes('-single-');
        const clustered = plan.includes(clusteredMarker);
        assert.ok(single !== clustered, `${plan} must be either single or ${clusteredMarker}`);
      }
      assert.equal(new Set(catalog.plans).size, catalog.plans.length, 'plans are unique');
    });
  }

  void it('has the 20 PostgreSQL plans, without clustered nano plans', () => {
    assert.equal(postgresqlCatalog.plans.length, 20);
    assert.ok(!postgresqlCatalog.plans.some((p) => p.startsWith('postgresql-replica-nano')));
    assert.ok(postgresqlCatalog.plans.includes('postgresql-single-nano-ssl-bionic'));
  });
});

void describe('sizeRankExpression', () => {
  void it('checks the biggest size first and falls back to the smallest', () => {
    assert.equal(
      sizeRankExpression('self', ['nano', 'small', 'big']),
      "(self.contains('-big') ? 2 : (self.contains('-small') ? 1 : (0)))",
    );
    assert.equal(sizeRankExpression('self', ['small']), '(0)');
  });
});

void describe('planTransitionRules', () => {
  void it('forbids shrinking, clustered to single and switching fixed markers', () => {
    const rules = planTransitionRules(postgresqlCatalog.planPolicy);
    assert.equal(rules.length, 4);
    assert.match(rules[0]?.rule ?? '', />=/);
    assert.match(rules[1]?.rule ?? '', /oldSelf.contains\('-replica-'\) && self.contains\('-single-'\)/);
    assert.match(rules[2]?.message ?? '', /SSL and non-SSL/);
    assert.match(rules[3]?.message ?? '', /bionic and non-bionic/);
  });

  void it('also forbids single to clustered where the broker cannot do it', () => {
    const messages = planTransitionRules(keyvalueCatalog.planPolicy).map((r) => r.message);
    assert.ok(
      messages.some((m) => m.includes('single-node KeyValue instance cannot move to a clustered plan')),
    );
    const logme = planTransitionRules(logme2Catalog.planPolicy);
    assert.equal(logme.length, 2, 'one size: no size rule, both topology rules');
  });

  void it('makes the plan immutable when the service cannot change plans at all', () => {
    assert.deepEqual(planTransitionRules(prometheusCatalog.planPolicy), [
      { rule: 'self == oldSelf', message: prometheusCatalog.planPolicy.immutableMessage },
    ]);
  });

  void it('starts every message with the text of the Klutch v1.5 CRDs', () => {
    const pg = planTransitionRules(postgresqlCatalog.planPolicy).map((r) => r.message);
    assert.ok(pg[0]?.startsWith('Transition from bigger to smaller plan size is not supported. '));
    assert.ok(
      pg[1]?.startsWith('Migration from clustered to single Data Service Instance is not supported. '),
    );
    assert.ok(pg[2]?.startsWith('Plan migrations not possible from Non-SSL to SSL and SSL to Non-SSL. '));
    assert.ok(
      pg[3]?.startsWith('Plan migrations not possible from Non-Bionic to Bionic and Bionic to Non-Bionic. '),
    );
    for (const catalog of [mariadbCatalog, mongodbCatalog, messagingCatalog, searchCatalog, logme2Catalog]) {
      const messages = planTransitionRules(catalog.planPolicy).map((r) => r.message);
      assert.ok(
        messages.some((m) => m.startsWith(goMessages.clusteredToSingle('replicated'))),
        catalog.type,
      );
    }
    assert.ok(
      prometheusCatalog.planPolicy.immutableMessage.startsWith(
        'Upgrade functionality for Prometheus plans is not supported.',
      ),
    );
  });
});
