import { readFileSync } from 'node:fs';
import { createMergePatchWithPreconditions, isAlreadyExists } from '@klutch/kube';
import type { KubeClient } from '@klutch/kube';
import type { BackendClients } from './backendClients.js';
import type { SecretObject, TokenRequestObject } from './backendObjects.js';
import { readConsumerKubeconfig, renderConsumerKubeconfig } from './consumerKubeconfig.js';
import type { KubeconfigSettings } from './consumerKubeconfig.js';
import type { CredentialTimings } from './credentialSchedule.js';
import { renewalDue } from './credentialSchedule.js';
import {
  binderServiceAccountName,
  consumerKubeconfigLabel,
  kubeconfigSecretKey,
  tokenExpirationAnnotation,
} from './names.js';

/** Server URL and CA that go into consumer kubeconfigs. */
export function consumerEndpoint(
  client: KubeClient,
  settings: KubeconfigSettings,
): { server: string; caPem?: string } {
  const server = settings.externalAddress ?? client.server;
  if (settings.externalCaPem) return { server, caPem: settings.externalCaPem };
  const cluster = client.kubeConfig.getCurrentCluster();
  if (cluster?.caData) return { server, caPem: Buffer.from(cluster.caData, 'base64').toString('utf8') };
  if (cluster?.caFile) return { server, caPem: readFileSync(cluster.caFile, 'utf8') };
  return { server };
}

/** Ensures the ServiceAccount `klutch-binder` exists in the provider namespace. */
export async function ensureBinderServiceAccount(
  clients: BackendClients,
  namespace: string,
  signal?: AbortSignal,
): Promise<void> {
  if (await clients.serviceAccounts.tryGet(binderServiceAccountName, { namespace, signal })) return;
  try {
    await clients.serviceAccounts.create(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: binderServiceAccountName, namespace } },
      { signal },
    );
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

/**
 * A bound token of `klutch-binder` from the TokenRequest API. It expires by itself, so a leaked
 * kubeconfig stops working within one lifetime; the rotation controller issues the next one in time.
 */
export async function issueBinderToken(
  clients: BackendClients,
  namespace: string,
  lifetimeSeconds: number,
  signal?: AbortSignal,
): Promise<{ token: string; expiresAt: string }> {
  const path = `${clients.serviceAccounts.path(namespace, binderServiceAccountName)}/token`;
  const body: TokenRequestObject = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: {},
    spec: { expirationSeconds: lifetimeSeconds },
  };
  const res = await clients.client.request<TokenRequestObject>({ method: 'POST', path, body, signal });
  if (!res.status?.token)
    throw new Error(`the TokenRequest for ${namespace}/${binderServiceAccountName} returned no token`);
  return { token: res.status.token, expiresAt: res.status.expirationTimestamp };
}

export interface ConsumerCredentialInput {
  clients: BackendClients;
  namespace: string;
  secretName: string;
  settings: KubeconfigSettings;
  timings: CredentialTimings;
  /** Re-issue even if the stored kubeconfig still fits (rotation on demand). */
  force?: boolean;
  signal?: AbortSignal;
}

/**
 * Makes the kubeconfig Secret of one consumer current: it must point at the configured server,
 * CA and namespace and hold a token that is not due for renewal; otherwise a new token is issued
 * and the Secret is rewritten (the konnector copies it down, which is how credentials rotate).
 */
export async function ensureConsumerKubeconfig(
  input: ConsumerCredentialInput,
): Promise<{ kubeconfig: string; expiresAt?: string; rotated: boolean }> {
  const { clients, namespace, secretName, signal } = input;
  const endpoint = consumerEndpoint(clients.client, input.settings);
  const existing = await clients.secrets.tryGet(secretName, { namespace, signal });
  const currentText = existing?.data?.[kubeconfigSecretKey]
    ? Buffer.from(existing.data[kubeconfigSecretKey], 'base64').toString('utf8')
    : undefined;
  if (existing && currentText && !input.force) {
    const shape = readConsumerKubeconfig(currentText);
    const expiresAt = existing.metadata.annotations?.[tokenExpirationAnnotation];
    const fits =
      shape !== undefined &&
      shape.server === endpoint.server &&
      (shape.caPem ?? '') === (endpoint.caPem ?? '') &&
      (shape.tlsServerName ?? '') === (input.settings.externalServerName ?? '') &&
      shape.namespace === namespace &&
      !!shape.token;
    if (fits && !renewalDue(expiresAt, new Date(), input.timings).renewNow) {
      return { kubeconfig: currentText, expiresAt, rotated: false };
    }
  }

  await ensureBinderServiceAccount(clients, namespace, signal);
  const { token, expiresAt } = await issueBinderToken(
    clients,
    namespace,
    input.timings.tokenLifetimeSeconds,
    signal,
  );
  const kubeconfig = renderConsumerKubeconfig({
    server: endpoint.server,
    ...(endpoint.caPem ? { caPem: endpoint.caPem } : {}),
    ...(input.settings.externalServerName ? { tlsServerName: input.settings.externalServerName } : {}),
    namespace,
    token,
  });
  const data = { [kubeconfigSecretKey]: Buffer.from(kubeconfig).toString('base64') };
  const annotations = { [tokenExpirationAnnotation]: expiresAt };
  const labels = { [consumerKubeconfigLabel]: 'true' };
  if (!existing) {
    try {
      await clients.secrets.create(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'Opaque',
          metadata: { name: secretName, namespace, labels, annotations },
          data,
        },
        { signal },
      );
      return { kubeconfig, expiresAt, rotated: true };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // Someone else wrote it first: fall through to a guarded update of what they wrote.
    }
  }
  const current = existing ?? (await clients.secrets.get(secretName, { namespace, signal }));
  const modified: SecretObject = {
    ...current,
    metadata: {
      ...current.metadata,
      labels: { ...current.metadata.labels, ...labels },
      annotations: { ...current.metadata.annotations, ...annotations },
    },
    data: { ...current.data, ...data },
  };
  const patch = createMergePatchWithPreconditions(current, modified);
  if (patch) await clients.secrets.patch(secretName, patch, 'merge', { namespace, signal });
  return { kubeconfig, expiresAt, rotated: true };
}
