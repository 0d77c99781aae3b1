import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchRoute } from './router.js';
import type { Route } from './router.js';

const ok = () => Promise.resolve({ status: 200 });
const routes: Route[] = [
  { method: 'GET', pattern: '/v2/catalog', handler: ok },
  { method: 'PUT', pattern: '/v2/service_instances/:instance_id', handler: ok },
  { method: 'GET', pattern: '/v2/service_instances/:instance_id', handler: ok },
  { method: 'GET', pattern: '/v2/service_instances/:instance_id/last_operation', handler: ok },
];

describe('matchRoute', () => {
  it('extracts and decodes path parameters', () => {
    const m = matchRoute(routes, 'PUT', '/v2/service_instances/a%20b');
    assert.equal(m.kind, 'found');
    assert.deepEqual(m.kind === 'found' && m.params, { instance_id: 'a b' });
  });

  it('answers HEAD with the GET route', () => {
    assert.equal(matchRoute(routes, 'HEAD', '/v2/catalog').kind, 'found');
  });

  it('tells a wrong method from an unknown path', () => {
    assert.deepEqual(matchRoute(routes, 'DELETE', '/v2/service_instances/x'), {
      kind: 'wrongMethod',
      allowed: ['PUT', 'GET'],
    });
    assert.equal(matchRoute(routes, 'GET', '/v2/service_instances/').kind, 'notFound');
    assert.equal(matchRoute(routes, 'GET', '/v2/service_instances/x/y').kind, 'notFound');
    assert.equal(matchRoute(routes, 'GET', '/v2/service_instances/%E0%A4%A').kind, 'notFound');
  });
});
