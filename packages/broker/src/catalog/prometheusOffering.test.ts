import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prometheusCatalog } from '@klutch/api';
import { compileParameterValidator } from '../parameters/parameterValidation.js';
import { BrokerCatalog } from './brokerCatalog.js';
import { prometheusOffering } from './engineOfferings.js';
import { planIdFor, serviceIdFor } from './stableId.js';

const catalog = new BrokerCatalog([{ offering: prometheusOffering, serverVersion: '2.42.0' }]);
const serviceId = serviceIdFor('a9s-prometheus');
const resolve = (plan: string) => {
  const resolved = catalog.findPlan(serviceId, planIdFor('a9s-prometheus', plan));
  assert.ok(resolved);
  return resolved;
};

describe('the Prometheus offering', () => {
  it('lists every a9s plan and refuses exactly those with Grafana', () => {
    const plans = catalog.document.services[0]?.plans.map((p) => p.name);
    assert.deepEqual(plans, [...prometheusCatalog.plans]);
    assert.equal(catalog.refusalOf(resolve('prometheus-single-small').plan.id), undefined);
    assert.equal(catalog.refusalOf(resolve('prometheus-single-big').plan.id), undefined);
    for (const plan of ['promgraf2-single-small', 'prometheus2-grafana10-single-big']) {
      assert.match(
        String(catalog.refusalOf(resolve(plan).plan.id)),
        /no Grafana; use a prometheus-single-\* plan/,
      );
    }
  });

  it('describes a server of its own, not a database', () => {
    const service = catalog.document.services[0];
    assert.match(String(service?.metadata.longDescription), /Prometheus 2\.42\.0 server process of its own/);
    assert.doesNotMatch(String(service?.plans[0]?.description), /database/);
  });

  it('refuses both a9s parameters with the reason', () => {
    const validate = compileParameterValidator(prometheusOffering.parameters);
    assert.deepEqual(validate({}), []);
    assert.match(validate({ scrape_configs: [] }).join(' '), /"scrape_configs" cannot be set.*remote write/);
    assert.match(validate({ mapping_strict_match: true }).join(' '), /no Graphite exporter/);
  });
});
