import { providerGroup, providerVersion } from '@klutch/api';
import type { ServiceInstanceType } from '@klutch/api';
import { toBrokerParameters } from './brokerParameters.js';
import type {
  BackupClaim,
  BackupManagedResource,
  InstanceClaim,
  RestoreClaim,
  RestoreManagedResource,
  ServiceBindingClaim,
  ServiceBindingManagedResource,
  ServiceInstanceResource,
} from './composedObjects.js';
import { managedResourceLabels } from './managedResourceLabels.js';

const managedApiVersion = `${providerGroup}/${providerVersion}`;

/** Where the provider finds the broker (seed 001 names the ProviderConfigs this way). */
export function serviceBrokerConfigName(type: ServiceInstanceType): string {
  return `${type}-service-broker`;
}

export function backupManagerConfigName(type: ServiceInstanceType): string {
  return `${type}-backup-manager`;
}

/** The identity of the claim, which must have been read from the API server. */
function identity(claim: { metadata: { name?: string; namespace?: string } }): {
  namespace: string;
  name: string;
} {
  const { name, namespace } = claim.metadata;
  if (!name || !namespace) throw new Error('a claim needs metadata.name and metadata.namespace');
  return { name, namespace };
}

function metadata(
  name: string,
  claim: InstanceClaim | ServiceBindingClaim | BackupClaim | RestoreClaim,
  type: ServiceInstanceType,
) {
  return { name, labels: managedResourceLabels(identity(claim), type) };
}

/**
 * The ServiceInstance for an instance claim, as applied with server-side apply: only the fields
 * the composition owns. Parameters left out of the claim disappear from the resource because
 * the apply no longer names them.
 */
export function desiredServiceInstance(
  claim: InstanceClaim,
  type: ServiceInstanceType,
  name: string,
): ServiceInstanceResource {
  const { namespace, name: claimName } = identity(claim);
  const parameters = toBrokerParameters(type, claim.spec.parameters);
  return {
    apiVersion: managedApiVersion,
    kind: 'ServiceInstance',
    metadata: metadata(name, claim, type),
    spec: {
      forProvider: {
        serviceName: claim.spec.service,
        planName: claim.spec.plan,
        acceptsIncomplete: claim.spec.acceptsIncomplete ?? true,
        ...(parameters ? { parameters } : {}),
        context: { namespace, instance_name: claimName },
      },
      providerConfigRef: { name: serviceBrokerConfigName(type) },
    },
  };
}

export function desiredServiceBinding(
  claim: ServiceBindingClaim,
  name: string,
  connectionSecretNamespace: string,
): ServiceBindingManagedResource {
  const type = claim.spec.serviceInstanceType;
  return {
    apiVersion: managedApiVersion,
    kind: 'ServiceBinding',
    metadata: metadata(name, claim, type),
    spec: {
      forProvider: { instanceName: claim.spec.instanceRef, acceptsIncomplete: true },
      providerConfigRef: { name: serviceBrokerConfigName(type) },
      writeConnectionSecretToRef: { namespace: connectionSecretNamespace, name },
    },
  };
}

export function desiredBackup(claim: BackupClaim, name: string): BackupManagedResource {
  const type = claim.spec.serviceInstanceType;
  return {
    apiVersion: managedApiVersion,
    kind: 'Backup',
    metadata: metadata(name, claim, type),
    spec: {
      forProvider: { instanceName: claim.spec.instanceRef },
      providerConfigRef: { name: backupManagerConfigName(type) },
    },
  };
}

export function desiredRestore(claim: RestoreClaim, name: string): RestoreManagedResource {
  const type = claim.spec.serviceInstanceType;
  return {
    apiVersion: managedApiVersion,
    kind: 'Restore',
    metadata: metadata(name, claim, type),
    spec: {
      forProvider: { backupName: claim.spec.backupRef },
      providerConfigRef: { name: backupManagerConfigName(type) },
    },
  };
}
