import { sleep } from './backoff.js';
import type { KubeClient } from './kubeClient.js';
import type { KubeObject } from './kubeObject.js';
import { ResourceClient } from './resourceClient.js';

export interface CustomResourceDefinition extends KubeObject {
  spec: {
    group: string;
    names: {
      kind: string;
      plural: string;
      singular?: string;
      listKind?: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      schema?: unknown;
      subresources?: unknown;
      additionalPrinterColumns?: unknown[];
    }>;
  };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

export function crdClient(client: KubeClient): ResourceClient<CustomResourceDefinition> {
  return new ResourceClient<CustomResourceDefinition>(client, {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    namespaced: false,
  });
}

/**
 * Waits until the CRD is Established (its API is served). Fails early with
 * the server's message when the names are not accepted (NamesAccepted=False).
 */
export async function waitForCrdEstablished(
  client: KubeClient,
  name: string,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<CustomResourceDefinition> {
  const crds = crdClient(client);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    opts.signal?.throwIfAborted();
    const crd = await crds.tryGet(name, { signal: opts.signal });
    const conds = crd?.status?.conditions ?? [];
    if (conds.some((c) => c.type === 'Established' && c.status === 'True') && crd) return crd;
    const names = conds.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
    if (names) throw new Error(`CRD ${name} names not accepted: ${names.message ?? names.reason ?? ''}`);
    if (Date.now() > deadline)
      throw new Error(`CRD ${name} not Established after ${opts.timeoutMs ?? 60_000} ms`);
    await sleep(100, opts.signal);
  }
}
