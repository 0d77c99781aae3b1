import { clusterBindingName } from '@klutch/api';
import { KubeClient } from '@klutch/kube';
import { backendClients } from './backendClients.js';
import type { BackendClients } from './backendClients.js';
import { ensureConsumerKubeconfig } from './consumerCredentials.js';
import type { KubeconfigSettings } from './consumerKubeconfig.js';
import { defaultCredentialTimings } from './credentialSchedule.js';
import type { CredentialTimings } from './credentialSchedule.js';
import { defaultKubeconfigSecretName } from './names.js';

export interface RotateConsumerCredentialsOptions extends KubeconfigSettings {
  client?: KubeClient;
  kubeconfigPath?: string;
  providerNamespace: string;
  credentialTimings?: CredentialTimings;
  signal?: AbortSignal;
}

/**
 * Issues a new token for a consumer now and rewrites its kubeconfig Secret (the one its
 * ClusterBinding names). The previous token stays valid until it expires, so a konnector that has
 * not copied the new Secret yet keeps working.
 */
export async function rotateConsumerCredentials(
  opts: RotateConsumerCredentialsOptions,
): Promise<{ secretName: string; expiresAt?: string }> {
  const ownsClient = !opts.client;
  const client =
    opts.client ??
    KubeClient.from(opts.kubeconfigPath !== undefined ? { file: opts.kubeconfigPath } : {}, {
      userAgent: 'klutch-backend',
    });
  try {
    return await rotateWithClients(backendClients(client), opts, true);
  } finally {
    if (ownsClient) await client.close();
  }
}

/** The shared path of the operation and the rotation controller (which passes force=false). */
export async function rotateWithClients(
  clients: BackendClients,
  opts: Omit<RotateConsumerCredentialsOptions, 'client' | 'kubeconfigPath'>,
  force: boolean,
): Promise<{ secretName: string; expiresAt?: string; rotated: boolean }> {
  const namespace = opts.providerNamespace;
  const cb = await clients.clusterBindings.tryGet(clusterBindingName, { namespace, signal: opts.signal });
  if (!cb) {
    throw new Error(
      `namespace ${namespace} has no ClusterBinding ${clusterBindingName}: it is not a provider namespace`,
    );
  }
  const secretName = cb.spec.kubeconfigSecretRef.name || defaultKubeconfigSecretName;
  const result = await ensureConsumerKubeconfig({
    clients,
    namespace,
    secretName,
    settings: opts,
    timings: opts.credentialTimings ?? defaultCredentialTimings(),
    force,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return {
    secretName,
    rotated: result.rotated,
    ...(result.expiresAt ? { expiresAt: result.expiresAt } : {}),
  };
}
