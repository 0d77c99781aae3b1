import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postgresqlInstanceKind } from './dataservices/postgresqlInstance.js';
import type { PostgresqlInstance } from './dataservices/postgresqlInstance.js';
import type { ServiceBinding } from './dataservices/serviceBinding.js';
import { bindingProviderSchema } from './klutch/bindingProvider.js';
import type { BindingProvider } from './klutch/bindingProvider.js';
import type { APIServiceBinding } from './klutch/apiServiceBinding.js';
import type { ServiceInstance } from './provider/serviceInstanceResource.js';

// The types are inferred from the schemas, so these checks run in tsc: each @ts-expect-error line
// fails the type check if the schema stops rejecting the mistake it shows.

void describe('types inferred from the schemas', () => {
  void it('type instances with literal apiVersion, kind, services and plans', () => {
    const instance: PostgresqlInstance = {
      apiVersion: 'anynines.com/v1',
      kind: 'PostgresqlInstance',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        service: 'a9s-postgresql15',
        plan: 'postgresql-replica-small-ssl',
        parameters: { maxConnections: 100 },
      },
    };
    const wrong: PostgresqlInstance = {
      apiVersion: 'anynines.com/v1',
      kind: 'PostgresqlInstance',
      metadata: {},
      // @ts-expect-error clusters have no nano size
      spec: { service: 'a9s-postgresql15', plan: 'postgresql-replica-nano' },
    };
    // @ts-expect-error parameters are typed per service
    const badParameter: PostgresqlInstance['spec']['parameters'] = { maxConnections: '100' };
    assert.equal(instance.apiVersion, postgresqlInstanceKind.apiVersion);
    assert.equal(instance.kind, postgresqlInstanceKind.kind);
    assert.ok(wrong && badParameter);
  });

  void it('type the forProvider block of managed resources', () => {
    const forProvider: ServiceInstance['spec']['forProvider'] = {
      serviceName: 'a9s-postgresql15',
      planName: 'postgresql-single-small',
    };
    // @ts-expect-error serviceName is a string, not unknown
    const wrongType: ServiceInstance['spec']['forProvider'] = { serviceName: 15, planName: 'x' };
    assert.ok(forProvider && wrongType);
  });

  void it('make required fields required and the rest optional', () => {
    // @ts-expect-error serviceInstanceType is required
    const spec: ServiceBinding['spec'] = { instanceRef: 'db' };
    const binding: APIServiceBinding['spec'] = {
      kubeconfigSecretRef: { name: 'kubeconfig', namespace: 'klutch-bind', key: 'kubeconfig' },
      permissionClaims: [
        { resource: 'secrets', version: 'v1', state: 'Accepted', selector: { owner: 'Provider' } },
      ],
    };
    assert.ok(spec && binding.permissionClaims?.[0]?.state === 'Accepted');
  });

  void it('type the wire kinds like their JSON schemas', () => {
    const provider: BindingProvider = {
      apiVersion: 'v1alpha1',
      kind: 'BindingProvider',
      providerPrettyName: 'anynines',
      authenticationMethods: [
        { method: 'OAuth2CodeGrant', oauth2CodeGrant: { authenticatedURL: 'https://x/authorize' } },
      ],
    };
    // @ts-expect-error the Go CLI accepts only the bare v1alpha1
    const qualified: BindingProvider['apiVersion'] = 'klutch.anynines.com/v1alpha1';
    assert.deepEqual(bindingProviderSchema.json.required, ['apiVersion', 'kind', 'providerPrettyName']);
    assert.ok(provider && qualified);
  });
});
