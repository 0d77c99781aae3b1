// Helpers for this package's cluster tests: a test cluster with the CRDs, managed resources shaped
// exactly as the composition controller writes them, and polling with a deadline.
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeClient, ResourceClient, type KubeObject } from '@klutch/kube';
import { startCluster, type TestCluster } from '@klutch/testenv';
import { claimNameLabel, claimNamespaceLabel, instanceTypeLabel } from '../names.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

export interface ProviderCluster {
  cluster: TestCluster;
  client: KubeClient;
  /** Creates or updates objects (JSON through kubectl apply). */
  apply(...objects: object[]): Promise<void>;
  kubectl(args: string[], input?: string): Promise<string>;
  stop(): Promise<void>;
}

/** A fresh API server with every CRD and the namespaces the provider and its tests use. */
export async function startProviderCluster(name: string): Promise<ProviderCluster> {
  const cluster = await startCluster({ name });
  try {
    const kubectl = async (args: string[], input?: string): Promise<string> => {
      const r = await cluster.kubectl(args, input !== undefined ? { input } : {});
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    };
    await kubectl(['apply', '--server-side', '-f', join(repoRoot, 'packages/api/crds')]);
    await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    await kubectl(['create', 'namespace', 'crossplane-system']);
    await kubectl(['create', 'namespace', 'klutch-system']);
    const client = KubeClient.from({ file: cluster.kubeconfigPath });
    return {
      cluster,
      client,
      kubectl,
      apply: async (...objects) => {
        await kubectl(
          ['apply', '-f', '-'],
          JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
        );
      },
      stop: async () => {
        await client.close();
        await cluster.stop();
      },
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/** Polls `fn` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
      );
    }
    await sleep(intervalMs);
  }
}

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The credential Secret and ProviderConfig of seed 001, for one backend. */
export function providerConfigObjects(
  name: string,
  url: string,
  creds: { username: string; password: string } | undefined,
  extra: Record<string, unknown> = {},
): object[] {
  const secretName = `${name}-creds`;
  const ref = (key: string) => ({ secretRef: { namespace: 'crossplane-system', name: secretName, key } });
  return [
    ...(creds
      ? [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: secretName, namespace: 'crossplane-system' },
            type: 'Opaque',
            data: { username: b64(creds.username), password: b64(creds.password) },
          },
        ]
      : []),
    {
      apiVersion: 'dataservices.anynines.com/v1',
      kind: 'ProviderConfig',
      metadata: { name },
      spec: {
        url,
        providerCredentials: creds
          ? { source: 'Secret', username: ref('username'), password: ref('password') }
          : { source: 'None', username: {}, password: {} },
        ...extra,
      },
    },
  ];
}

const labels = (claimName: string, namespace: string, type: string) => ({
  [claimNameLabel]: claimName,
  [claimNamespaceLabel]: namespace,
  [instanceTypeLabel]: type,
});

/** A ServiceInstance as the composition controller composes it for an instance claim. */
export function serviceInstanceMr(opts: {
  namespace: string;
  claim: string;
  service: string;
  plan: string;
  parameters?: Record<string, unknown>;
  type?: string;
}): KubeObject & { spec: Record<string, unknown> } {
  const type = opts.type ?? 'postgresql';
  return {
    apiVersion: 'dataservices.anynines.com/v1',
    kind: 'ServiceInstance',
    metadata: {
      name: `postgresqlinstance-${opts.namespace}-${opts.claim}`,
      labels: labels(opts.claim, opts.namespace, type),
    },
    spec: {
      forProvider: {
        serviceName: opts.service,
        planName: opts.plan,
        acceptsIncomplete: true,
        ...(opts.parameters ? { parameters: opts.parameters } : {}),
        context: { namespace: opts.namespace, instance_name: opts.claim },
      },
      providerConfigRef: { name: `${type}-service-broker` },
    },
  };
}

export function serviceBindingMr(opts: {
  namespace: string;
  claim: string;
  instance: string;
  type?: string;
}) {
  const type = opts.type ?? 'postgresql';
  const name = `servicebinding-${opts.namespace}-${opts.claim}`;
  return {
    apiVersion: 'dataservices.anynines.com/v1',
    kind: 'ServiceBinding',
    metadata: { name, labels: labels(opts.claim, opts.namespace, type) },
    spec: {
      forProvider: { instanceName: opts.instance, acceptsIncomplete: true },
      providerConfigRef: { name: `${type}-service-broker` },
      writeConnectionSecretToRef: { namespace: 'klutch-system', name },
    },
  };
}

export function backupMr(opts: { namespace: string; claim: string; instance: string; type?: string }) {
  const type = opts.type ?? 'postgresql';
  return {
    apiVersion: 'dataservices.anynines.com/v1',
    kind: 'Backup',
    metadata: {
      name: `backup-${opts.namespace}-${opts.claim}`,
      labels: labels(opts.claim, opts.namespace, type),
    },
    spec: {
      forProvider: { instanceName: opts.instance },
      providerConfigRef: { name: `${type}-backup-manager` },
    },
  };
}

export function restoreMr(opts: { namespace: string; claim: string; backup: string; type?: string }) {
  const type = opts.type ?? 'postgresql';
  return {
    apiVersion: 'dataservices.anynines.com/v1',
    kind: 'Restore',
    metadata: {
      name: `restore-${opts.namespace}-${opts.claim}`,
      labels: labels(opts.claim, opts.namespace, type),
    },
    spec: { forProvider: { backupName: opts.backup }, providerConfigRef: { name: `${type}-backup-manager` } },
  };
}

export interface ConditionLike {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function condition(obj: { status?: unknown } | undefined, type: string): ConditionLike | undefined {
  const conditions = (obj?.status as { conditions?: ConditionLike[] } | undefined)?.conditions;
  return conditions?.find((c) => c.type === type);
}

/** core/v1 Events about one object (by name), newest last. */
export async function eventsFor(
  client: KubeClient,
  name: string,
): Promise<Array<{ type: string; reason: string; message: string; count?: number }>> {
  const events = new ResourceClient<
    KubeObject & {
      involvedObject: { name?: string };
      type: string;
      reason: string;
      message: string;
      count?: number;
    }
  >(client, { group: '', version: 'v1', resource: 'events', namespaced: true });
  const list = await events.list({ fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}
