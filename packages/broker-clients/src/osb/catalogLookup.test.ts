import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findServiceAndPlanInCatalog,
  isBindingRotatable,
  isPlanBindable,
  listNames,
  maximumPollingDurationMs,
} from './catalogLookup.js';
import { CatalogLookupError } from './osbErrors.js';
import type { OsbCatalog, OsbPlan, OsbService } from './osbTypes.js';

const plan = (name: string, extra: Partial<OsbPlan> = {}): OsbPlan => ({
  id: `${name}-id`,
  name,
  description: '',
  ...extra,
});
const service = (name: string, plans: OsbPlan[], extra: Partial<OsbService> = {}): OsbService => ({
  id: `${name}-id`,
  name,
  description: '',
  bindable: true,
  plans,
  ...extra,
});

const catalog: OsbCatalog = {
  services: [
    service('a9s-postgresql15', [plan('postgresql-single-small'), plan('postgresql-replica-small')]),
    service('a9s-postgresql13-ms-1687789907', [plan('postgresql-single-nano')]),
    service('a9s-mariadb106-ms-1', [plan('mariadb-single-small')]),
    service('a9s-mariadb106-ms-2', [plan('mariadb-single-big')]),
    service('a9s-mariadb1011-ms-1', [plan('mariadb-single-small')]),
  ],
};
const url = 'http://broker';

function lookupError(fn: () => unknown): CatalogLookupError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CatalogLookupError);
    return err;
  }
  assert.fail('expected a CatalogLookupError');
}

describe('findServiceAndPlanInCatalog', () => {
  it('matches the service name exactly and the plan name exactly', () => {
    const r = findServiceAndPlanInCatalog(catalog, 'a9s-postgresql15', 'postgresql-replica-small', url);
    assert.equal(r.service.name, 'a9s-postgresql15');
    assert.equal(r.plan.id, 'postgresql-replica-small-id');
  });

  it('falls back to a prefix of a catalog name (a9s deployment suffixes)', () => {
    const r = findServiceAndPlanInCatalog(catalog, 'a9s-postgresql13', 'postgresql-single-nano', url);
    assert.equal(r.service.name, 'a9s-postgresql13-ms-1687789907');
  });

  it('lets the plan decide between several prefix matches', () => {
    const r = findServiceAndPlanInCatalog(catalog, 'a9s-mariadb106', 'mariadb-single-big', url);
    assert.equal(r.service.name, 'a9s-mariadb106-ms-2');
  });

  it('calls a prefix ambiguous when the plan cannot decide', () => {
    const err = lookupError(() =>
      findServiceAndPlanInCatalog(catalog, 'a9s-mariadb10', 'mariadb-single-small', url),
    );
    assert.equal(err.reason, 'service-ambiguous');
    assert.match(
      err.userMessage,
      /matches several services .* \(a9s-mariadb1011-ms-1, a9s-mariadb106-ms-1\); use the full service name/,
    );
  });

  it('names the available services when the service is unknown', () => {
    const err = lookupError(() => findServiceAndPlanInCatalog(catalog, 'a9s-mongodb', 'x', url));
    assert.equal(err.reason, 'service-not-found');
    assert.equal(
      err.message,
      `service "a9s-mongodb" is not in the broker's catalog (available: a9s-mariadb1011-ms-1, a9s-mariadb106-ms-1, a9s-mariadb106-ms-2, a9s-postgresql13-ms-1687789907, a9s-postgresql15)`,
    );
    assert.equal(err.userMessage, err.message);
    assert.equal(err.retryable, false);
  });

  it('names the available plans when the plan is unknown', () => {
    const err = lookupError(() =>
      findServiceAndPlanInCatalog(catalog, 'a9s-postgresql15', 'postgresql-single-huge', url),
    );
    assert.equal(err.reason, 'plan-not-found');
    assert.equal(
      err.userMessage,
      'plan "postgresql-single-huge" does not exist for service "a9s-postgresql15" (available: postgresql-replica-small, postgresql-single-small)',
    );
    const viaPrefix = lookupError(() =>
      findServiceAndPlanInCatalog(catalog, 'a9s-postgresql13', 'nope', url),
    );
    assert.match(
      viaPrefix.userMessage,
      /for service "a9s-postgresql13-ms-1687789907" \(available: postgresql-single-nano\)/,
    );
  });

  it('does not treat the empty name as a prefix of everything', () => {
    assert.equal(
      lookupError(() => findServiceAndPlanInCatalog(catalog, '', 'x', url)).reason,
      'service-not-found',
    );
  });
});

describe('catalog helpers', () => {
  it('lists at most 25 names', () => {
    const names = Array.from({ length: 30 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    assert.match(listNames(names), /s24 and 5 more$/);
    assert.equal(listNames([]), 'none');
  });

  it('lets plans override bindable and binding_rotatable', () => {
    const s = service('x', [], { bindable: true, binding_rotatable: true });
    assert.equal(isPlanBindable(s, plan('p', { bindable: false })), false);
    assert.equal(isPlanBindable(s, plan('p')), true);
    assert.equal(isBindingRotatable(s, plan('p')), true);
    assert.equal(isBindingRotatable(s, plan('p', { binding_rotatable: false })), false);
    assert.equal(isBindingRotatable(service('y', []), plan('p')), false);
  });

  it('converts maximum_polling_duration to milliseconds', () => {
    assert.equal(maximumPollingDurationMs(plan('p', { maximum_polling_duration: 90 })), 90_000);
    assert.equal(maximumPollingDurationMs(plan('p')), undefined);
    assert.equal(maximumPollingDurationMs(plan('p', { maximum_polling_duration: 0 })), undefined);
  });
});
