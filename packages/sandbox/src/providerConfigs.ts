import { ResourceClient, type KubeClient, type KubeObject } from '@klutch/kube';

export interface BackendEndpoint {
  osbUrl: string;
  backupManagerUrl: string;
  username: string;
  password: string;
  /** PEM CA of the broker's HTTPS certificate, when it serves HTTPS with a private CA. */
  caPem?: string;
}

const secrets = (client: KubeClient) =>
  new ResourceClient<KubeObject>(client, { group: '', version: 'v1', resource: 'secrets', namespaced: true });
const namespaces = (client: KubeClient) =>
  new ResourceClient<KubeObject>(client, {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    namespaced: false,
  });
const providerConfigs = (client: KubeClient) =>
  new ResourceClient<KubeObject>(client, {
    group: 'dataservices.anynines.com',
    version: 'v1',
    resource: 'providerconfigs',
    namespaced: false,
  });

/** The objects seed 001 has operators create for one data service: two credential Secrets and two ProviderConfigs. */
export function providerConfigObjects(
  service: string,
  backend: BackendEndpoint,
  namespace: string,
): KubeObject[] {
  const objects: KubeObject[] = [];
  const kinds = [
    { suffix: 'service-broker', url: backend.osbUrl, serviceType: 'servicebroker' },
    { suffix: 'backup-manager', url: backend.backupManagerUrl, serviceType: 'backupmanager' },
  ];
  for (const k of kinds) {
    const name = `${service}-${k.suffix}`;
    const secretName = `${name}-creds`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName, namespace },
      type: 'Opaque',
      stringData: { username: backend.username, password: backend.password },
    });
    if (backend.caPem) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${name}-ca`, namespace },
        type: 'Opaque',
        stringData: { 'ca.crt': backend.caPem },
      });
    }
    const ref = (key: string) => ({ secretRef: { namespace, name: secretName, key } });
    objects.push({
      apiVersion: 'dataservices.anynines.com/v1',
      kind: 'ProviderConfig',
      metadata: { name },
      spec: {
        url: k.url,
        serviceType: k.serviceType,
        providerCredentials: { source: 'Secret', username: ref('username'), password: ref('password') },
        ...(backend.caPem
          ? { tls: { caBundleSecretRef: { namespace, name: `${name}-ca`, key: 'ca.crt' } } }
          : {}),
      },
    });
  }
  return objects;
}

/** Creates or updates the Secrets and ProviderConfigs for each service (server-side apply). */
export async function applyProviderConfigs(
  client: KubeClient,
  services: string[],
  backend: BackendEndpoint,
  opts: { namespace?: string; signal?: AbortSignal } = {},
): Promise<void> {
  const namespace = opts.namespace ?? 'klutch-system';
  await namespaces(client).apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { fieldManager: 'klutch-sandbox', signal: opts.signal },
  );
  for (const service of services) {
    for (const obj of providerConfigObjects(service, backend, namespace)) {
      const api = obj.kind === 'Secret' ? secrets(client) : providerConfigs(client);
      await api.apply(obj, { fieldManager: 'klutch-sandbox', force: true, signal: opts.signal });
    }
  }
}
