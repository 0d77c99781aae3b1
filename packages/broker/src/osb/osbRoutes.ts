import type { Route } from '../http/router.js';
import type { BindingService } from './bindingService.js';
import type { BrokerContext } from './brokerContext.js';
import type { InstanceService } from './instanceService.js';
import { parseOriginatingIdentity } from './osbRequests.js';

const instancePath = '/v2/service_instances/:instance_id';
const bindingPath = `${instancePath}/service_bindings/:binding_id`;

/**
 * Health endpoints every listener offers. `problems` names what is broken right now (a managed
 * database server that is being restarted, say): the answer is then 503 with the list.
 */
export function healthRoutes(problems: () => string[] = () => []): Route[] {
  const healthy = () => {
    const now = problems();
    return Promise.resolve(
      now.length === 0
        ? { status: 200, body: { status: 'ok' } }
        : { status: 503, body: { status: 'unavailable', problems: now } },
    );
  };
  return [
    { method: 'GET', pattern: '/healthz', handler: healthy, public: true },
    // The a9s-style endpoints that ProviderConfig health checks use; they prove the credentials work.
    { method: 'GET', pattern: '/osb_ext/v1/healthy', handler: healthy },
    { method: 'GET', pattern: '/v2/healthy', handler: healthy },
  ];
}

/** The OSB API v2.17 routes plus the a9s instance extension and the dashboard. */
export function osbRoutes(
  context: BrokerContext,
  instances: InstanceService,
  bindings: BindingService,
): Route[] {
  const identity = (headers: Record<string, string | string[] | undefined>) =>
    parseOriginatingIdentity(headers['x-broker-api-originating-identity']);
  return [
    ...healthRoutes(context.healthProblems),
    {
      method: 'GET',
      pattern: '/v2/catalog',
      osb: true,
      handler: () => Promise.resolve({ status: 200, body: context.catalog.document }),
    },
    {
      method: 'PUT',
      pattern: instancePath,
      osb: true,
      handler: (r) => instances.provision(r.params.instance_id ?? '', r.body, r.query, identity(r.headers)),
    },
    {
      method: 'PATCH',
      pattern: instancePath,
      osb: true,
      handler: (r) => instances.update(r.params.instance_id ?? '', r.body, r.query, identity(r.headers)),
    },
    {
      method: 'DELETE',
      pattern: instancePath,
      osb: true,
      handler: (r) => instances.deprovision(r.params.instance_id ?? '', r.query, identity(r.headers)),
    },
    {
      method: 'GET',
      pattern: instancePath,
      osb: true,
      handler: (r) => instances.fetch(r.params.instance_id ?? ''),
    },
    {
      method: 'GET',
      pattern: `${instancePath}/last_operation`,
      osb: true,
      handler: (r) => instances.lastOperation(r.params.instance_id ?? '', r.query),
    },
    {
      method: 'PUT',
      pattern: bindingPath,
      osb: true,
      handler: (r) => bindings.bind(r.params.instance_id ?? '', r.params.binding_id ?? '', r.body),
    },
    {
      method: 'GET',
      pattern: bindingPath,
      osb: true,
      handler: (r) => bindings.fetch(r.params.instance_id ?? '', r.params.binding_id ?? ''),
    },
    {
      method: 'DELETE',
      pattern: bindingPath,
      osb: true,
      handler: (r) => bindings.unbind(r.params.instance_id ?? '', r.params.binding_id ?? '', r.query),
    },
    {
      method: 'GET',
      pattern: `${bindingPath}/last_operation`,
      osb: true,
      handler: (r) => bindings.lastOperation(r.params.instance_id ?? '', r.params.binding_id ?? ''),
    },
    // a9s extensions: no version header needed, credentials are.
    { method: 'GET', pattern: '/instances', handler: (r) => instances.a9sInstances(r.query) },
    {
      method: 'GET',
      pattern: '/instances/:instance_id',
      handler: (r) => instances.a9sInstance(r.params.instance_id ?? ''),
    },
    {
      method: 'GET',
      pattern: '/dashboard/instances/:instance_id',
      handler: (r) => instances.dashboard(r.params.instance_id ?? ''),
    },
  ];
}
