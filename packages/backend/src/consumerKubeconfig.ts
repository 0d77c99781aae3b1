import { parse, stringify } from 'yaml';

/** How consumers reach this API server (reference 2.1 `--external-*` flags). */
export interface KubeconfigSettings {
  /** https URL of the API server as consumers see it; default: the backend's own server URL. */
  externalAddress?: string;
  /** PEM of the CA consumers should trust; default: the CA of the backend's kubeconfig. */
  externalCaPem?: string;
  /** `tls-server-name` for the consumer kubeconfig. */
  externalServerName?: string;
}

export interface ConsumerKubeconfigInput {
  server: string;
  /** PEM of the CA that signed the API server certificate; omitted means the system trust store. */
  caPem?: string;
  tlsServerName?: string;
  namespace: string;
  token: string;
}

/**
 * The kubeconfig handed to a consumer (reference 2.6): cluster, context and user all named
 * `default`, and the provider namespace as the namespace of the current context, which is how
 * the konnector finds its provider namespace.
 */
export function renderConsumerKubeconfig(input: ConsumerKubeconfigInput): string {
  const cluster: Record<string, string> = { server: input.server };
  if (input.caPem) cluster['certificate-authority-data'] = Buffer.from(input.caPem).toString('base64');
  if (input.tlsServerName) cluster['tls-server-name'] = input.tlsServerName;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'default', cluster }],
    contexts: [
      { name: 'default', context: { cluster: 'default', namespace: input.namespace, user: 'default' } },
    ],
    'current-context': 'default',
    users: [{ name: 'default', user: { token: input.token } }],
  });
}

/** The parts of a consumer kubeconfig that decide whether it still fits the backend's settings. */
export interface ConsumerKubeconfigShape {
  server?: string;
  caPem?: string;
  tlsServerName?: string;
  namespace?: string;
  token?: string;
}

/** Reads back what renderConsumerKubeconfig wrote; undefined when the text is not such a kubeconfig. */
export function readConsumerKubeconfig(text: string): ConsumerKubeconfigShape | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as {
    clusters?: Array<{ name?: string; cluster?: Record<string, string> }>;
    contexts?: Array<{ name?: string; context?: { namespace?: string } }>;
    users?: Array<{ name?: string; user?: { token?: string } }>;
  };
  const cluster = d.clusters?.find((c) => c.name === 'default')?.cluster;
  const context = d.contexts?.find((c) => c.name === 'default')?.context;
  const user = d.users?.find((u) => u.name === 'default')?.user;
  if (!cluster || !context || !user) return undefined;
  const caData = cluster['certificate-authority-data'];
  return {
    server: cluster.server,
    caPem: caData ? Buffer.from(caData, 'base64').toString('utf8') : undefined,
    tlsServerName: cluster['tls-server-name'],
    namespace: context.namespace,
    token: user.token,
  };
}
