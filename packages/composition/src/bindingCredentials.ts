import { dataServicesGroup, dataServicesVersion } from '@klutch/api';
import { capName, maxDnsSubdomainLength } from '@klutch/kube';
import type { Secret, ServiceBindingClaim } from './composedObjects.js';

/** Marks the credentials Secrets this controller writes, so that one informer can watch just them. */
export const credentialsSecretLabel = 'composition.klutch.anynines.com/credentials';

export const credentialsProvider = 'klutch';

/**
 * `<binding>-creds`, capped at the Secret name limit (a binding name may already use all 253
 * characters) with a stable hash suffix. Found again by this function, never by parsing it.
 */
export function credentialsSecretName(bindingName: string): string {
  return capName(`${bindingName}-creds`, maxDnsSubdomainLength);
}

/**
 * The servicebinding.io well-known entries and, in order of preference, the broker keys they
 * are taken from.
 */
const wellKnownSources: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['host', ['host', 'hostname']],
  ['port', ['port']],
  ['username', ['username', 'user']],
  ['password', ['password']],
  ['database', ['database', 'name', 'db']],
  ['uri', ['uri', 'url']],
];

const base64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * The servicebinding.io `type` of a data service: the protocol a client library needs, where the
 * service's own name does not say it (a KeyValue instance speaks Redis, Messaging AMQP on RabbitMQ).
 */
const servicebindingTypes: Readonly<Record<string, string>> = { keyvalue: 'redis', messaging: 'rabbitmq' };

export function servicebindingType(serviceInstanceType: string): string {
  return servicebindingTypes[serviceInstanceType] ?? serviceInstanceType;
}

/**
 * The data of the app-facing credentials Secret (base64, like Secret.data) from the provider's
 * flattened connection Secret: every broker key, plus the servicebinding.io entries `type`,
 * `provider` and those of host, port, username, password, database and uri that the broker's keys
 * provide. `type` and `provider` are defined by servicebinding.io and override broker keys of
 * the same name.
 */
export function servicebindingData(
  serviceInstanceType: string,
  connectionData: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...connectionData };
  for (const [entry, sources] of wellKnownSources) {
    const from = sources.find((k) => connectionData[k] !== undefined);
    if (from !== undefined) out[entry] = connectionData[from] as string;
  }
  out.type = base64(servicebindingType(serviceInstanceType));
  out.provider = base64(credentialsProvider);
  return out;
}

/** The credentials Secret of a binding, owned by it so that deleting the binding removes it. */
export function desiredCredentialsSecret(
  binding: ServiceBindingClaim,
  connectionData: Readonly<Record<string, string>>,
): Secret {
  const { name, namespace, uid } = binding.metadata;
  if (!name || !namespace || !uid) throw new Error('the ServiceBinding needs a name, namespace and uid');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: credentialsSecretName(name),
      namespace,
      labels: { [credentialsSecretLabel]: 'true' },
      ownerReferences: [
        {
          apiVersion: `${dataServicesGroup}/${dataServicesVersion}`,
          kind: 'ServiceBinding',
          name,
          uid,
          controller: true,
        },
      ],
    },
    type: `servicebinding.io/${servicebindingType(binding.spec.serviceInstanceType)}`,
    data: servicebindingData(binding.spec.serviceInstanceType, connectionData),
  };
}

/** Whether an existing Secret is the credentials Secret of this very binding (not a namesake's). */
export function isCredentialsSecretOf(secret: Secret, binding: ServiceBindingClaim): boolean {
  return (secret.metadata.ownerReferences ?? []).some(
    (ref) =>
      ref.kind === 'ServiceBinding' &&
      ref.apiVersion.startsWith(`${dataServicesGroup}/`) &&
      ref.uid === binding.metadata.uid,
  );
}

/** Whether the stored Secret already has the desired content (no write needed). */
export function credentialsUpToDate(current: Secret, desired: Secret): boolean {
  if (current.type !== desired.type) return false;
  if (current.metadata.labels?.[credentialsSecretLabel] !== 'true') return false;
  const have = current.data ?? {};
  const want = desired.data ?? {};
  const keys = new Set([...Object.keys(have), ...Object.keys(want)]);
  for (const k of keys) if (have[k] !== want[k]) return false;
  return true;
}
