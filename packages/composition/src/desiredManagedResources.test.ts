import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackupClaim, InstanceClaim, RestoreClaim, ServiceBindingClaim } from './composedObjects.js';
import {
  desiredBackup,
  desiredRestore,
  desiredServiceBinding,
  desiredServiceInstance,
} from './desiredManagedResources.js';

const labels = (name: string, type: string) => ({
  'crossplane.io/claim-name': name,
  'crossplane.io/claim-namespace': 'team-a',
  'klutch.io/instance-type': type,
});

function instance(spec: Partial<InstanceClaim['spec']> = {}): InstanceClaim {
  return {
    apiVersion: 'anynines.com/v1',
    kind: 'PostgresqlInstance',
    metadata: { name: 'db', namespace: 'team-a', uid: 'u1', generation: 1 },
    spec: { service: 'a9s-postgresql15', plan: 'postgresql-single-small', ...spec },
  };
}

describe('desired managed resources', () => {
  it('ServiceInstance: service, plan, translated parameters, context, broker ProviderConfig', () => {
    const mr = desiredServiceInstance(
      instance({ parameters: { maxConnections: 50, logMinMessages: 'LOG' } }),
      'postgresql',
      'postgresqlinstance-team-a-db',
    );
    assert.deepEqual(mr, {
      apiVersion: 'dataservices.anynines.com/v1',
      kind: 'ServiceInstance',
      metadata: { name: 'postgresqlinstance-team-a-db', labels: labels('db', 'postgresql') },
      spec: {
        forProvider: {
          serviceName: 'a9s-postgresql15',
          planName: 'postgresql-single-small',
          acceptsIncomplete: true,
          parameters: { max_connections: 50, pg_log_min_messages: 'LOG' },
          context: { namespace: 'team-a', instance_name: 'db' },
        },
        providerConfigRef: { name: 'postgresql-service-broker' },
      },
    });
  });

  it('ServiceInstance: no parameters field without parameters; acceptsIncomplete follows the claim', () => {
    const mr = desiredServiceInstance(instance({ acceptsIncomplete: false }), 'postgresql', 'x');
    assert.equal('parameters' in mr.spec.forProvider, false);
    assert.equal(mr.spec.forProvider.acceptsIncomplete, false);
  });

  it('ServiceBinding: instance claim name, connection secret in the connection-secret namespace', () => {
    const claim: ServiceBindingClaim = {
      apiVersion: 'anynines.com/v1',
      kind: 'ServiceBinding',
      metadata: { name: 'app', namespace: 'team-a' },
      spec: { instanceRef: 'db', serviceInstanceType: 'mariadb' },
    };
    assert.deepEqual(desiredServiceBinding(claim, 'servicebinding-team-a-app', 'klutch-system'), {
      apiVersion: 'dataservices.anynines.com/v1',
      kind: 'ServiceBinding',
      metadata: { name: 'servicebinding-team-a-app', labels: labels('app', 'mariadb') },
      spec: {
        forProvider: { instanceName: 'db', acceptsIncomplete: true },
        providerConfigRef: { name: 'mariadb-service-broker' },
        writeConnectionSecretToRef: { namespace: 'klutch-system', name: 'servicebinding-team-a-app' },
      },
    });
  });

  it('Backup and Restore: backup-manager ProviderConfig and claim names of their targets', () => {
    const backup: BackupClaim = {
      apiVersion: 'anynines.com/v1',
      kind: 'Backup',
      metadata: { name: 'nightly', namespace: 'team-a' },
      spec: { instanceRef: 'db', serviceInstanceType: 'postgresql' },
    };
    assert.deepEqual(desiredBackup(backup, 'backup-team-a-nightly'), {
      apiVersion: 'dataservices.anynines.com/v1',
      kind: 'Backup',
      metadata: { name: 'backup-team-a-nightly', labels: labels('nightly', 'postgresql') },
      spec: {
        forProvider: { instanceName: 'db' },
        providerConfigRef: { name: 'postgresql-backup-manager' },
      },
    });
    const restore: RestoreClaim = {
      apiVersion: 'anynines.com/v1',
      kind: 'Restore',
      metadata: { name: 'undo', namespace: 'team-a' },
      spec: { backupRef: 'nightly', serviceInstanceType: 'postgresql' },
    };
    assert.deepEqual(desiredRestore(restore, 'restore-team-a-undo'), {
      apiVersion: 'dataservices.anynines.com/v1',
      kind: 'Restore',
      metadata: { name: 'restore-team-a-undo', labels: labels('undo', 'postgresql') },
      spec: {
        forProvider: { backupName: 'nightly' },
        providerConfigRef: { name: 'postgresql-backup-manager' },
      },
    });
  });
});
