// The steps the control-plane end-to-end tests share: apply YAML with kubectl as a developer
// would, wait for an app-facing claim to be Ready or gone, and read its credentials Secret.
import assert from 'node:assert/strict';
import { ResourceClient, type KubeClient, type KubeObject } from '@klutch/kube';
import { eventually, type TestCluster } from '@klutch/testenv';

export interface Claim extends KubeObject {
  status?: {
    conditions?: Array<{ type: string; status: string; message?: string }>;
    binding?: { name?: string };
  };
}

type SecretObject = KubeObject & { data?: Record<string, string> };

/** Polls `fn` until it returns something other than undefined (errors count as "not yet"). */
export function eventuallyDefined<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  return eventually(
    async () => {
      const v = await fn();
      if (v === undefined) throw new Error(`timed out waiting for ${what}`);
      return v;
    },
    timeoutMs,
    250,
  );
}

/**
 * Steps on claims in one namespace. The cluster and its client are passed as getters because the
 * tests create them in `before`.
 */
export function claimSteps(cluster: () => TestCluster, client: () => KubeClient, namespace: string) {
  const claims = (resource: string) =>
    new ResourceClient<Claim>(client(), { group: 'anynines.com', version: 'v1', resource, namespaced: true });
  const secrets = () =>
    new ResourceClient<SecretObject>(client(), {
      group: '',
      version: 'v1',
      resource: 'secrets',
      namespaced: true,
    });

  async function apply(yaml: string): Promise<void> {
    const r = await cluster().kubectl(['apply', '-f', '-'], { input: yaml });
    assert.equal(r.code, 0, r.stderr);
  }

  function ready(resource: string, name: string): Promise<Claim> {
    return eventuallyDefined(`${resource}/${name} Ready`, async () => {
      const c = await claims(resource).get(name, { namespace });
      const cond = c.status?.conditions?.find((x) => x.type === 'Ready');
      return cond?.status === 'True' ? c : undefined;
    });
  }

  async function deleted(resource: string, name: string): Promise<void> {
    const r = await cluster().kubectl(['-n', namespace, 'delete', resource, name, '--wait=false']);
    assert.equal(r.code, 0, r.stderr);
    await eventuallyDefined(`${resource}/${name} gone`, async () =>
      (await claims(resource).tryGet(name, { namespace })) ? undefined : true,
    );
  }

  return { claims, secrets, apply, ready, deleted };
}
