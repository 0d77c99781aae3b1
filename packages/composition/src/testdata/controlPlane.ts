import { join } from 'node:path';
import { KubeClient, ResourceClient } from '@klutch/kube';
import type { KubeObject } from '@klutch/kube';
import { findRepoRoot, startCluster } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import type { Claim, ManagedResource, Secret } from '../composedObjects.js';
import type { CoreEvent } from '@klutch/kube';

/** A real API server with every Klutch CRD installed, and typed clients for the tests. */
export interface ControlPlane {
  cluster: TestCluster;
  client: KubeClient;
  claims(plural: string): ResourceClient<Claim>;
  managed(plural: string): ResourceClient<ManagedResource>;
  secrets: ResourceClient<Secret>;
  events: ResourceClient<CoreEvent>;
  namespaces: ResourceClient<KubeObject>;
  stop(): Promise<void>;
}

export async function startControlPlane(name: string): Promise<ControlPlane> {
  const cluster = await startCluster({ name });
  try {
    const crds = join(findRepoRoot(), 'packages', 'api', 'crds');
    const applied = await cluster.kubectl(['apply', '-f', crds]);
    if (applied.code !== 0) throw new Error(`installing the CRDs failed: ${applied.stderr}`);
    const established = await cluster.kubectl([
      'wait',
      '--for=condition=Established',
      'crd',
      '--all',
      '--timeout=60s',
    ]);
    if (established.code !== 0) throw new Error(`CRDs not established: ${established.stderr}`);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  const client = KubeClient.from({ file: cluster.kubeconfigPath });
  return {
    cluster,
    client,
    claims: (plural) =>
      new ResourceClient<Claim>(client, {
        group: 'anynines.com',
        version: 'v1',
        resource: plural,
        namespaced: true,
      }),
    managed: (plural) =>
      new ResourceClient<ManagedResource>(client, {
        group: 'dataservices.anynines.com',
        version: 'v1',
        resource: plural,
        namespaced: false,
      }),
    secrets: new ResourceClient<Secret>(client, {
      group: '',
      version: 'v1',
      resource: 'secrets',
      namespaced: true,
    }),
    events: new ResourceClient<CoreEvent>(client, {
      group: '',
      version: 'v1',
      resource: 'events',
      namespaced: true,
    }),
    namespaces: new ResourceClient(client, {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      namespaced: false,
    }),
    stop: async () => {
      await client.close();
      await cluster.stop();
    },
  };
}
