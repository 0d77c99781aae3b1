import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { OpenApiValidator, loadOsbOpenApi, toRoutePattern } from './osbOpenApi.js';

describe('OpenApiValidator', () => {
  let validator: OpenApiValidator;
  before(async () => {
    validator = new OpenApiValidator(await loadOsbOpenApi(import.meta.dirname));
  });

  it('resolves references and reports violations (so the contract test can fail)', () => {
    assert.deepEqual(validator.validateComponent('LastOperationResource', { state: 'succeeded' }), []);
    assert.notDeepEqual(validator.validateComponent('LastOperationResource', { state: 'done' }), []);
    assert.notDeepEqual(
      validator.validateComponent('Catalog', {
        services: [{ name: 'x', id: 'y', description: 'z', bindable: true }],
      }),
      [],
    );
    assert.deepEqual(
      validator.validateComponent('Catalog', {
        services: [
          {
            name: 'x',
            id: 'y',
            description: 'z',
            bindable: true,
            plans: [{ id: 'p', name: 'n', description: 'd' }],
          },
        ],
      }),
      [],
    );
  });

  it('turns OpenAPI paths into route patterns', () => {
    assert.equal(
      toRoutePattern('/v2/service_instances/{instance_id}/service_bindings/{binding_id}'),
      '/v2/service_instances/:instance_id/service_bindings/:binding_id',
    );
  });
});
