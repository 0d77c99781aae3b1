import { clusterBindingName, klutchApiVersion } from '@klutch/api';
import { isAlreadyExists, isConflict, KubeClient, silentLogger, sleep } from '@klutch/kube';
import type { Logger } from '@klutch/kube';
import { backendClients } from './backendClients.js';
import type { BackendClients } from './backendClients.js';
import type { ClusterBindingObject, ExportRequestObject, ExportTemplateObject } from './backendObjects.js';
import { externalAddressProblem } from './backendSettings.js';
import { ensureBinderServiceAccount, ensureConsumerKubeconfig } from './consumerCredentials.js';
import type { KubeconfigSettings } from './consumerKubeconfig.js';
import { defaultCredentialTimings } from './credentialSchedule.js';
import type { CredentialTimings } from './credentialSchedule.js';
import { listAllTemplates } from './exportTemplateSet.js';
import { exportRequestSpecFor, findTemplate, missingTemplateMessage } from './exportTemplates.js';
import {
  defaultKubeconfigSecretName,
  defaultNamespacePrefix,
  defaultPrettyName,
  identityProblem,
  kubeconfigSecretKey,
  namespacePrefixProblem,
  normalizeNamespacePrefix,
  resourceObjectName,
} from './names.js';
import { ensureRoleBinding } from './objectWrites.js';
import { findOrCreateProviderNamespace } from './providerNamespace.js';
import { providerNamespaceRoleBinding } from './rbacRules.js';

export interface RequestedResource {
  group: string;
  resource: string;
}

export interface BindConsumerOptions extends KubeconfigSettings {
  /** Client of the control-plane cluster; or give `kubeconfigPath`. */
  client?: KubeClient;
  kubeconfigPath?: string;
  /** `<oidc subject>#<clusterID>`. */
  identity: string;
  /** Stored in ClusterBinding.spec.providerPrettyName (default `Example Backend`). */
  prettyName?: string;
  /** Provider namespaces are named `<prefix>-<8 characters>` (default `cluster`). */
  namespacePrefix?: string;
  /** Also create an APIServiceExportRequest `<resource>.<group>` for each of these. */
  requests?: RequestedResource[];
  /** Token lifetime and renewal margin (default 24 h, renewed in its last third). */
  credentialTimings?: CredentialTimings;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface BindConsumerResult {
  providerNamespace: string;
  /** The consumer kubeconfig (YAML). */
  kubeconfig: string;
  /** The Secret in the provider namespace that holds it under key `kubeconfig`. */
  secretName: string;
  /** Names of the export requests that exist for `requests`. */
  requestNames: string[];
}

/**
 * Binds one consumer (reference 2.6): its provider namespace, ClusterBinding `cluster`, the
 * ServiceAccount `klutch-binder` with its RoleBinding, and a kubeconfig Secret with a fresh bound
 * token. Idempotent: binding the same identity again returns the same namespace and Secret (and
 * the same kubeconfig while its token is not due for renewal).
 */
export async function bindConsumer(opts: BindConsumerOptions): Promise<BindConsumerResult> {
  const problem =
    identityProblem(opts.identity) ??
    externalAddressProblem(opts.externalAddress) ??
    namespacePrefixProblem(opts.namespacePrefix ?? defaultNamespacePrefix) ??
    (opts.prettyName !== undefined && !opts.prettyName.trim()
      ? 'the pretty name must not be empty'
      : undefined);
  if (problem) throw new Error(`cannot bind: ${problem}`);

  const ownsClient = !opts.client;
  const client =
    opts.client ??
    KubeClient.from(opts.kubeconfigPath !== undefined ? { file: opts.kubeconfigPath } : {}, {
      userAgent: 'klutch-backend',
    });
  try {
    const clients = backendClients(client);
    // Every step is idempotent; a 409 means a concurrent bind of the same consumer wrote first.
    for (let attempt = 1; ; attempt++) {
      try {
        return await bindWithClients(clients, opts);
      } catch (err) {
        if (!isConflict(err) || attempt >= 5) throw err;
        await sleep(50 * attempt + Math.floor(Math.random() * 50), opts.signal);
      }
    }
  } finally {
    if (ownsClient) await client.close();
  }
}

async function bindWithClients(
  clients: BackendClients,
  opts: BindConsumerOptions,
): Promise<BindConsumerResult> {
  const { signal } = opts;
  const logger = (opts.logger ?? silentLogger()).child({ identity: opts.identity });
  const timings = opts.credentialTimings ?? defaultCredentialTimings();

  // Resolve the templates first: a request for something not offered fails before anything is created.
  const requested = opts.requests ?? [];
  const templates = new Map<string, ExportTemplateObject>();
  if (requested.length > 0) {
    const all = await listAllTemplates(clients, signal);
    for (const r of requested) {
      const t = findTemplate(all, r.group, r.resource);
      if (!t) throw new Error(`cannot bind: ${missingTemplateMessage(r.group, r.resource)}`);
      templates.set(resourceObjectName(r.group, r.resource), t);
    }
  }

  const namespace = await findOrCreateProviderNamespace(
    clients,
    opts.identity,
    normalizeNamespacePrefix(opts.namespacePrefix ?? defaultNamespacePrefix),
    logger,
    signal,
  );
  const clusterBinding = await ensureClusterBinding(
    clients,
    namespace,
    opts.prettyName ?? defaultPrettyName,
    signal,
  );
  const secretName = clusterBinding.spec.kubeconfigSecretRef.name;

  await ensureBinderServiceAccount(clients, namespace, signal);
  // The controller maintains this too; creating it here makes the kubeconfig usable at once.
  await ensureRoleBinding(clients.roleBindings, providerNamespaceRoleBinding(namespace), signal);
  const { kubeconfig } = await ensureConsumerKubeconfig({
    clients,
    namespace,
    secretName,
    settings: opts,
    timings,
    ...(signal ? { signal } : {}),
  });

  const requestNames: string[] = [];
  for (const r of requested) {
    const name = resourceObjectName(r.group, r.resource);
    const template = templates.get(name);
    if (!template) continue;
    const request: ExportRequestObject = {
      apiVersion: klutchApiVersion,
      kind: 'APIServiceExportRequest',
      metadata: { name, namespace },
      spec: exportRequestSpecFor(template, r.group, r.resource),
    };
    try {
      await clients.exportRequests.create(request, { signal });
    } catch (err) {
      // An earlier bind asked already; its request (or the export it produced) stands.
      if (!isAlreadyExists(err)) throw err;
    }
    requestNames.push(name);
  }
  logger.info({ namespace, secretName, requests: requestNames }, 'consumer bound');
  return { providerNamespace: namespace, kubeconfig, secretName, requestNames };
}

async function ensureClusterBinding(
  clients: BackendClients,
  namespace: string,
  prettyName: string,
  signal?: AbortSignal,
): Promise<ClusterBindingObject> {
  const existing = await clients.clusterBindings.tryGet(clusterBindingName, { namespace, signal });
  if (existing) return existing;
  try {
    return await clients.clusterBindings.create(
      {
        apiVersion: klutchApiVersion,
        kind: 'ClusterBinding',
        metadata: { name: clusterBindingName, namespace },
        spec: {
          kubeconfigSecretRef: { name: defaultKubeconfigSecretName, key: kubeconfigSecretKey },
          providerPrettyName: prettyName,
        },
      },
      { signal },
    );
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    return clients.clusterBindings.get(clusterBindingName, { namespace, signal });
  }
}
