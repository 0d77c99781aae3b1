import { stringify } from 'yaml';

export interface KubeconfigInput {
  clusterName: string;
  server: string;
  caPem: string;
  userName: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
  namespace?: string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** A self-contained kubeconfig (credentials embedded, so the file can be copied anywhere). */
export function renderKubeconfig(k: KubeconfigInput): string {
  const user: Record<string, string> = {};
  if (k.clientCertPem) user['client-certificate-data'] = b64(k.clientCertPem);
  if (k.clientKeyPem) user['client-key-data'] = b64(k.clientKeyPem);
  if (k.token) user.token = k.token;
  const context: Record<string, string> = { cluster: k.clusterName, user: k.userName };
  if (k.namespace) context.namespace = k.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: k.clusterName, cluster: { server: k.server, 'certificate-authority-data': b64(k.caPem) } },
    ],
    users: [{ name: k.userName, user }],
    contexts: [{ name: k.clusterName, context }],
    'current-context': k.clusterName,
  });
}
