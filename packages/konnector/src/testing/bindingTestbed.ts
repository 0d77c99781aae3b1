import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startBackend } from '@klutch/backend';
import type { BackendHandle, ClusterScopedIsolation, ConsumerScope } from '@klutch/backend';
import { KubeClient, ResourceClient, silentLogger, createLogger } from '@klutch/kube';
import type { KubeObject, Logger } from '@klutch/kube';
import { eventually, findRepoRoot } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';
import { installBindingCrd, startKonnector, type KonnectorHandle } from '../startKonnector.js';

export const testGroup = 'konnector.test';

export function testLogger(name: string): Logger {
  return process.env.KONNECTOR_TEST_LOG
    ? createLogger({ name, level: process.env.KONNECTOR_TEST_LOG })
    : silentLogger();
}

export function suffix(): string {
  return randomBytes(3).toString('hex');
}

/** Installs every CRD of packages/api and waits until they are served. */
export async function installKlutchCrds(cluster: TestCluster): Promise<void> {
  const dir = join(findRepoRoot(), 'packages', 'api', 'crds');
  const applied = await cluster.kubectl(['apply', '--server-side', '-f', dir]);
  assert.equal(applied.code, 0, applied.stderr);
  const waited = await cluster.kubectl([
    'wait',
    '--for=condition=Established',
    'crd',
    '--all',
    '--timeout=60s',
  ]);
  assert.equal(waited.code, 0, waited.stderr);
}

export async function applyJson(cluster: TestCluster, doc: object): Promise<void> {
  const r = await cluster.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], {
    input: JSON.stringify(doc),
  });
  assert.equal(r.code, 0, r.stderr);
}

/** A test CRD `<plural>.konnector.test` with spec.size/tier/tokenSecret and a status subresource. */
export function testCrd(
  plural: string,
  kind: string,
  scope: 'Namespaced' | 'Cluster',
  extraField?: string,
): object {
  const props: Record<string, unknown> = {
    size: { type: 'string' },
    tier: { type: 'string' },
    tokenSecret: { type: 'string' },
  };
  if (extraField) props[extraField] = { type: 'string' };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${testGroup}` },
    spec: {
      group: testGroup,
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      scope,
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: props },
                status: { type: 'object', properties: { phase: { type: 'string' } } },
              },
            },
          },
          subresources: { status: {} },
        },
      ],
    },
  };
}

/** Claims of the test templates: Provider-owned `provider-*` Secrets and Consumer-owned `consumer-*` ones. */
export const testClaims = [
  {
    group: '',
    resource: 'secrets',
    version: 'v1',
    selector: { owner: 'Provider', names: ['provider-secret'] },
  },
  {
    group: '',
    resource: 'secrets',
    version: 'v1',
    selector: { owner: 'Consumer', names: ['consumer-secret'] },
  },
];

export function testTemplate(plural: string, claims: object[] = testClaims): object {
  return {
    apiVersion: 'bind.anynines.com/v1alpha1',
    kind: 'APIServiceExportTemplate',
    metadata: { name: plural, namespace: 'templates' },
    spec: { APIServiceSelector: { group: testGroup, resource: plural }, permissionClaims: claims },
  };
}

/** Sets up the control plane: klutch CRDs, the test APIs and their export templates. */
export async function prepareControlPlane(cp: TestCluster): Promise<void> {
  await installKlutchCrds(cp);
  await applyJson(cp, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'templates' } });
  await applyJson(cp, testCrd('widgets', 'Widget', 'Namespaced'));
  await applyJson(cp, testCrd('gadgets', 'Gadget', 'Cluster'));
  const w = await cp.kubectl([
    'wait',
    '--for=condition=Established',
    'crd/widgets.konnector.test',
    'crd/gadgets.konnector.test',
    '--timeout=60s',
  ]);
  assert.equal(w.code, 0, w.stderr);
  await applyJson(cp, testTemplate('widgets'));
  await applyJson(cp, testTemplate('gadgets', []));
}

/**
 * The backend for konnector tests. Isolation None: the test APIs include a cluster-scoped one
 * (gadgets), which the backend exports only with shared reads (every consumer reads all objects of
 * it, writes only its own prefixed ones); the konnector prefixes upstream names in every mode.
 */
export async function startTestBackend(
  cp: TestCluster,
  consumerScope: ConsumerScope = 'Namespaced',
  clusterScopedIsolation: ClusterScopedIsolation = 'None',
): Promise<BackendHandle> {
  return startBackend({
    kubeconfigPath: cp.kubeconfigPath,
    logger: testLogger('backend'),
    consumerScope,
    clusterScopedIsolation,
  });
}

export function gvr(resource: string, namespaced = true) {
  return { group: testGroup, version: 'v1', resource, namespaced };
}

export interface BoundConsumer {
  providerNamespace: string;
  kubeconfig: string;
  /** Admin client of the app cluster. */
  app: KubeClient;
  /** The consumer's own (restricted) client of the control plane. */
  consumer: KubeClient;
}

/**
 * Binds an app cluster through the backend and creates, in the app cluster, the kubeconfig Secret
 * and one APIServiceBinding per resource (claims accepted), as `kubectl bind` would.
 */
export async function bindAppCluster(
  backend: BackendHandle,
  app: TestCluster,
  identity: string,
  resources: string[],
  claims: object[] = testClaims,
): Promise<BoundConsumer> {
  const bound = await backend.bind(
    identity,
    resources.map((resource) => ({ group: testGroup, resource })),
  );
  await applyJson(app, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'klutch-bind' } });
  const appClient = KubeClient.from({ file: app.kubeconfigPath });
  // kubectl bind deploys the konnector first, which installs this CRD.
  await installBindingCrd(appClient);
  const secrets = new ResourceClient(appClient, {
    group: '',
    version: 'v1',
    resource: 'secrets',
    namespaced: true,
  });
  const secretName = `kubeconfig-${bound.providerNamespace}`;
  const existing = await secrets.tryGet(secretName, { namespace: 'klutch-bind' });
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName, namespace: 'klutch-bind' },
    type: 'Opaque',
    data: { kubeconfig: Buffer.from(bound.kubeconfig).toString('base64') },
  };
  if (existing)
    await secrets.update({
      ...secret,
      metadata: { ...secret.metadata, resourceVersion: existing.metadata.resourceVersion },
    });
  else await secrets.create(secret);
  for (const resource of resources) {
    await applyJson(app, {
      apiVersion: 'klutch.anynines.com/v1alpha1',
      kind: 'APIServiceBinding',
      metadata: { name: `${resource}.${testGroup}`, namespace: 'klutch-bind' },
      spec: {
        kubeconfigSecretRef: { name: secretName, namespace: 'klutch-bind', key: 'kubeconfig' },
        permissionClaims: resource === 'widgets' ? claims.map((c) => ({ ...c, state: 'Accepted' })) : [],
      },
    });
  }
  return {
    providerNamespace: bound.providerNamespace,
    kubeconfig: bound.kubeconfig,
    app: appClient,
    consumer: KubeClient.from({ text: bound.kubeconfig }),
  };
}

export async function startTestKonnector(
  app: TestCluster,
  extra: { identity?: string; heartbeatIntervalMs?: number; informerSyncTimeoutMs?: number } = {},
): Promise<KonnectorHandle> {
  return startKonnector({
    kubeconfigPath: app.kubeconfigPath,
    logger: testLogger(`konnector-${app.name}`),
    leaseNamespace: 'klutch-bind',
    leaseDurationMs: 4000,
    renewDeadlineMs: 3000,
    retryPeriodMs: 500,
    heartbeatIntervalMs: extra.heartbeatIntervalMs ?? 10_000,
    informerSyncTimeoutMs: extra.informerSyncTimeoutMs ?? 8_000,
    healthAddress: '127.0.0.1:0',
    ...(extra.identity ? { identity: extra.identity } : {}),
  });
}

/** Waits until the APIServiceBinding is Ready (its CRD is installed and served). */
export async function waitForBindingReady(
  app: TestCluster,
  name: string,
  namespace = 'klutch-bind',
): Promise<void> {
  await eventually(async () => {
    const r = await app.kubectl(['get', 'apiservicebinding', '-n', namespace, name, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const b = JSON.parse(r.stdout) as { status?: { conditions?: Array<{ type: string; status: string }> } };
    assert.equal(
      b.status?.conditions?.find((c) => c.type === 'Ready')?.status,
      'True',
      JSON.stringify(b.status),
    );
  }, 90_000);
  const w = await app.kubectl(['wait', '--for=condition=Established', `crd/${name}`, '--timeout=60s']);
  assert.equal(w.code, 0, w.stderr);
}
