import { createHash } from 'node:crypto';
import type { BackendHandle } from '@klutch/backend';
import { ResourceClient, sleep, type KubeClient, type KubeObject, type Logger } from '@klutch/kube';

/** An API of the control plane to bind into an app cluster, with the resources it claims. */
export interface ExportedApi {
  group: string;
  resource: string;
  version?: string;
  permissionClaims?: Array<Record<string, unknown>>;
}

/**
 * The data-service APIs the sandbox exports. ServiceBindings claim the
 * Secrets of their service namespace (owner Provider), which is how each
 * binding's `<name>-creds` Secret reaches the app cluster.
 */
export function dataServiceApis(services: string[]): ExportedApi[] {
  const apis: ExportedApi[] = services.map((s) => ({ group: 'anynines.com', resource: `${s}instances` }));
  apis.push(
    {
      group: 'anynines.com',
      resource: 'servicebindings',
      permissionClaims: [{ group: '', resource: 'secrets', version: 'v1', selector: { owner: 'Provider' } }],
    },
    { group: 'anynines.com', resource: 'backups' },
    { group: 'anynines.com', resource: 'restores' },
  );
  return apis;
}

const base62 = (buf: Buffer): string => {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let n = BigInt(`0x${buf.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = alphabet[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out || '0';
};

/** The consumer cluster id of the reference: first 6 base62 chars of SHA-224 of the `klutch-bind` namespace UID. */
export function clusterIdOf(namespaceUid: string): string {
  return base62(createHash('sha224').update(namespaceUid).digest()).slice(0, 6);
}

export interface AppClusterBindingResult {
  providerNamespace: string;
  bindings: string[];
}

/**
 * Binds an app cluster to the control plane the way `kubectl bind` does:
 * export templates in the control plane, the bind operation for the identity
 * `<user>#<clusterID>`, then in the app cluster the kubeconfig Secret and one
 * APIServiceBinding per API with its permission claims accepted. Idempotent.
 */
export async function bindAppCluster(opts: {
  controlPlane: KubeClient;
  app: KubeClient;
  backend: BackendHandle;
  apis: ExportedApi[];
  user: string;
  templateNamespace: string;
  logger: Logger;
  signal?: AbortSignal;
}): Promise<AppClusterBindingResult> {
  const { controlPlane, app, signal } = opts;
  const fieldManager = 'klutch-sandbox';
  const templates = new ResourceClient<KubeObject>(controlPlane, {
    group: 'bind.anynines.com',
    version: 'v1alpha1',
    resource: 'apiserviceexporttemplates',
    namespaced: true,
  });
  for (const api of opts.apis) {
    await templates.apply(
      {
        apiVersion: 'bind.anynines.com/v1alpha1',
        kind: 'APIServiceExportTemplate',
        metadata: { name: `${api.resource}.${api.group}`, namespace: opts.templateNamespace },
        spec: {
          APIServiceSelector: {
            group: api.group,
            resource: api.resource,
            ...(api.version ? { version: api.version } : {}),
          },
          permissionClaims: api.permissionClaims ?? [],
        },
      },
      { fieldManager, force: true, signal },
    );
  }

  const appNamespaces = new ResourceClient<KubeObject>(app, {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    namespaced: false,
  });
  const bindNs = await appNamespaces.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'klutch-bind' } },
    { fieldManager, signal },
  );
  const identity = `${opts.user}#${clusterIdOf(bindNs.metadata.uid ?? '')}`;
  const bound = await opts.backend.bind(
    identity,
    opts.apis.map((a) => ({ group: a.group, resource: a.resource })),
    signal,
  );

  const secretName = `kubeconfig-${bound.providerNamespace}`;
  await new ResourceClient<KubeObject>(app, {
    group: '',
    version: 'v1',
    resource: 'secrets',
    namespaced: true,
  }).apply(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName, namespace: 'klutch-bind' },
      type: 'Opaque',
      stringData: { kubeconfig: bound.kubeconfig },
    },
    { fieldManager, force: true, signal },
  );

  const exports = new ResourceClient<
    KubeObject & { spec?: { permissionClaims?: Array<Record<string, unknown>> } }
  >(controlPlane, {
    group: 'klutch.anynines.com',
    version: 'v1alpha1',
    resource: 'apiserviceexports',
    namespaced: true,
  });
  const bindingsApi = new ResourceClient<KubeObject>(app, {
    group: 'klutch.anynines.com',
    version: 'v1alpha1',
    resource: 'apiservicebindings',
    namespaced: true,
  });
  const names: string[] = [];
  for (const api of opts.apis) {
    const name = `${api.resource}.${api.group}`;
    // The backend turns the bind request into an export; its claims are the ones to accept.
    let exported: (KubeObject & { spec?: { permissionClaims?: Array<Record<string, unknown>> } }) | undefined;
    const deadline = Date.now() + 60_000;
    while (!(exported = await exports.tryGet(name, { namespace: bound.providerNamespace, signal }))) {
      if (Date.now() > deadline) throw new Error(`the backend did not export ${name} within 60 s`);
      await sleep(200, signal);
    }
    await bindingsApi.apply(
      {
        apiVersion: 'klutch.anynines.com/v1alpha1',
        kind: 'APIServiceBinding',
        metadata: { name, namespace: 'klutch-bind' },
        spec: {
          kubeconfigSecretRef: { namespace: 'klutch-bind', name: secretName, key: 'kubeconfig' },
          permissionClaims: (exported.spec?.permissionClaims ?? []).map((c) => ({ ...c, state: 'Accepted' })),
        },
      },
      { fieldManager, force: true, signal },
    );
    names.push(name);
  }
  opts.logger.info({ providerNamespace: bound.providerNamespace, bindings: names }, 'app cluster bound');
  return { providerNamespace: bound.providerNamespace, bindings: names };
}
