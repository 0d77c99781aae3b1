import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OpenApiValidator, loadOsbOpenApi, toRoutePattern } from './testing/osbOpenApi.js';
import type { OpenApiDocument } from './testing/osbOpenApi.js';
import { BrokerTestbed, catalogIds, lastOperationState } from './testing/brokerTestbed.js';
import { waitFor } from './testing/testHttpClient.js';
import type { TestResponse } from './testing/testHttpClient.js';

/** Broker routes outside the OSB specification, each on purpose. */
const extensions = new Set([
  'GET /healthz',
  'GET /osb_ext/v1/healthy',
  'GET /v2/healthy',
  'GET /instances',
  'GET /instances/:instance_id',
  'GET /dashboard/instances/:instance_id',
]);

const service = 'a9s-postgresql13';
const plan = 'postgresql-single-small-bionic';

describe('OSB contract (osb-v2.17-openapi.yaml)', () => {
  let tb: BrokerTestbed;
  let spec: OpenApiDocument;
  let validator: OpenApiValidator;
  /** `METHOD /pattern` → statuses seen. */
  const covered = new Map<string, Set<number>>();
  const problems: string[] = [];

  before(async () => {
    spec = await loadOsbOpenApi(import.meta.dirname);
    validator = new OpenApiValidator(spec);
    tb = await BrokerTestbed.start({ provisionDelayMs: 50 });
  });
  after(async () => {
    await tb?.cleanup();
  });

  /** Sends a request, then checks the status and body against the operation in the specification. */
  async function call(method: string, specPath: string, path: string, body?: unknown): Promise<TestResponse> {
    const operation = spec.paths[specPath]?.[method.toLowerCase()];
    assert.ok(operation, `the specification has no ${method} ${specPath}`);
    const requestSchema = operation.requestBody?.content?.['application/json']?.schema;
    if (requestSchema && body !== undefined) {
      const invalid = validator.validate(requestSchema, body);
      assert.deepEqual(invalid, [], `the test sends an invalid ${method} ${specPath} body`);
    }
    const response = await tb.osb.request(method, path, body);
    const key = `${method} ${toRoutePattern(specPath)}`;
    if (!covered.has(key)) covered.set(key, new Set());
    covered.get(key)?.add(response.status);
    const declared = operation.responses[String(response.status)];
    if (!declared) {
      problems.push(`${key} answered ${response.status}, which the specification does not list`);
      return response;
    }
    const schema = declared.content?.['application/json']?.schema;
    if (schema) {
      for (const p of validator.validate(schema, response.body))
        problems.push(`${key} ${response.status}: ${p}`);
    }
    return response;
  }

  async function poll(instanceId: string, operation: string): Promise<TestResponse> {
    return waitFor(
      'last operation',
      () =>
        call(
          'GET',
          '/v2/service_instances/{instance_id}/last_operation',
          `/v2/service_instances/${instanceId}/last_operation?operation=${operation}`,
        ),
      (r) => lastOperationState(r) !== 'in progress',
    );
  }

  it('serves a catalog that validates against the Catalog schema', async () => {
    const response = await call('GET', '/v2/catalog', '/v2/catalog');
    assert.equal(response.status, 200);
    assert.deepEqual(validator.validateComponent('Catalog', response.body), []);
    assert.deepEqual(validator.validateComponent('Catalog', tb.broker.catalog), []);
  });

  it('answers every implemented operation as the specification describes', async (t) => {
    const id = tb.newInstanceId();
    const instancePath = '/v2/service_instances/{instance_id}';
    const bindingPath = `${instancePath}/service_bindings/{binding_id}`;
    const ids = catalogIds(service, plan);
    const provisionBody = {
      ...ids,
      organization_guid: 'org',
      space_guid: 'space',
      context: { platform: 'kubernetes' },
    };
    const at = `/v2/service_instances/${id}`;

    const provision = await call('PUT', instancePath, `${at}?accepts_incomplete=true`, provisionBody);
    assert.equal(provision.status, 202);
    assert.equal(
      lastOperationState(await poll(id, (provision.body as { operation: string }).operation)),
      'succeeded',
    );
    assert.equal(
      (await call('PUT', instancePath, `${at}?accepts_incomplete=true`, provisionBody)).status,
      200,
    );
    assert.equal(
      (
        await call('PUT', instancePath, `${at}?accepts_incomplete=true`, {
          ...provisionBody,
          parameters: { work_mem: '1MB' },
        })
      ).status,
      409,
    );
    assert.equal(
      (await call('PUT', instancePath, at, { ...provisionBody, plan_id: ids.plan_id })).status,
      200,
    );
    assert.equal((await call('GET', instancePath, at)).status, 200);

    const update = await call('PATCH', instancePath, `${at}?accepts_incomplete=true`, {
      service_id: ids.service_id,
      parameters: { work_mem: '4MB' },
    });
    assert.equal(update.status, 202);
    assert.equal(
      lastOperationState(await poll(id, (update.body as { operation: string }).operation)),
      'succeeded',
    );
    assert.equal(
      (await call('PATCH', instancePath, `${at}?accepts_incomplete=true`, { service_id: ids.service_id }))
        .status,
      200,
    );
    assert.equal(
      (
        await call('PATCH', instancePath, `${at}?accepts_incomplete=true`, {
          service_id: ids.service_id,
          parameters: { nope: 1 },
        })
      ).status,
      400,
    );
    assert.equal(
      (await call('PATCH', instancePath, at, { service_id: ids.service_id, parameters: { work_mem: '2MB' } }))
        .status,
      422,
    );

    const bindAt = `${at}/service_bindings/binding-1`;
    assert.equal((await call('PUT', bindingPath, bindAt, ids)).status, 201);
    assert.equal((await call('PUT', bindingPath, bindAt, ids)).status, 200);
    assert.equal(
      (await call('PUT', bindingPath, `${at}/service_bindings/binding-2`, { ...ids, parameters: { x: 1 } }))
        .status,
      400,
    );
    assert.equal((await call('GET', bindingPath, bindAt)).status, 200);
    assert.equal((await call('GET', bindingPath, `${at}/service_bindings/unknown`)).status, 404);
    assert.equal(
      (await call('GET', `${bindingPath}/last_operation`, `${bindAt}/last_operation`)).status,
      200,
    );
    const query = `service_id=${ids.service_id}&plan_id=${ids.plan_id}`;
    assert.equal((await call('DELETE', bindingPath, `${bindAt}?${query}`)).status, 200);
    assert.equal((await call('DELETE', bindingPath, `${bindAt}?${query}`)).status, 410);
    assert.equal(
      (await call('GET', `${bindingPath}/last_operation`, `${bindAt}/last_operation`)).status,
      410,
    );

    assert.equal((await call('DELETE', instancePath, `${at}?${query}`)).status, 422);
    const deprovision = await call('DELETE', instancePath, `${at}?accepts_incomplete=true&${query}`);
    assert.equal(deprovision.status, 202);
    assert.equal(
      lastOperationState(await poll(id, (deprovision.body as { operation: string }).operation)),
      'gone',
    );
    assert.equal((await call('DELETE', instancePath, `${at}?accepts_incomplete=true&${query}`)).status, 410);
    assert.equal((await call('GET', instancePath, at)).status, 404);
    const unknown = `/v2/service_instances/${tb.newInstanceId()}`;
    assert.equal(
      (await call('GET', `${instancePath}/last_operation`, `${unknown}/last_operation`)).status,
      404,
    );
    assert.equal(
      (await tb.osb.withAuth(undefined).request('PUT', `${unknown}?accepts_incomplete=true`, provisionBody))
        .status,
      401,
    );

    t.diagnostic(
      `covered: ${[...covered.entries()].map(([k, s]) => `${k} [${[...s].sort().join(',')}]`).join('; ')}`,
    );
    assert.deepEqual(problems, []);
  });

  it('covers every implemented route of the specification and nothing unplanned', () => {
    const inSpec = new Set(
      Object.entries(spec.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${toRoutePattern(path)}`),
      ),
    );
    for (const endpoint of tb.broker.endpoints.osb) {
      if (inSpec.has(endpoint))
        assert.ok(covered.has(endpoint), `the contract test does not exercise ${endpoint}`);
      else
        assert.ok(
          extensions.has(endpoint),
          `${endpoint} is neither in the OSB specification nor a known extension`,
        );
    }
    for (const endpoint of inSpec) {
      assert.ok(tb.broker.endpoints.osb.includes(endpoint), `the broker does not implement ${endpoint}`);
    }
  });
});
