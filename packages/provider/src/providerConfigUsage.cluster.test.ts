// ProviderConfigUsage on a real API server, as Crossplane providers maintain it: every managed
// resource has a usage, and a ProviderConfig in use cannot be deleted out from under its
// resources. Also the Klutch v1.5 form of originatingIdentity (a string holding JSON) reaching the
// broker.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  osbPaths,
  startFaultInjectingBroker,
  type FaultInjectingBroker,
} from '@klutch/broker-clients/testing';
import { createLogger, ResourceClient, type KubeObject } from '@klutch/kube';
import {
  providerConfigScope,
  providerConfigUsageScope,
  serviceInstanceScope,
  type ProviderConfigUsageObject,
} from './managedResources.js';
import { startProvider, type RunningProvider } from './provider.js';
import { inUseFinalizer } from './providerConfigUsage.js';
import {
  condition,
  eventsFor,
  providerConfigObjects,
  serviceInstanceMr,
  startProviderCluster,
  waitFor,
  type ProviderCluster,
} from './testing/index.js';

type Obj = KubeObject & { status?: Record<string, unknown>; spec?: Record<string, unknown> };

const brokerAuth = { username: 'broker-admin', password: randomBytes(8).toString('hex') };

void describe('ProviderConfigUsage', () => {
  let env: ProviderCluster;
  let broker: FaultInjectingBroker;
  let provider: RunningProvider;
  const stop = new AbortController();
  let instances: ResourceClient<Obj>;
  let providerConfigs: ResourceClient<Obj>;
  let usages: ResourceClient<ProviderConfigUsageObject>;

  before(async () => {
    env = await startProviderCluster('provider-usage');
    broker = await startFaultInjectingBroker({ auth: brokerAuth });
    await env.apply(...providerConfigObjects('postgresql-service-broker', broker.url, brokerAuth));
    instances = new ResourceClient<Obj>(env.client, serviceInstanceScope);
    providerConfigs = new ResourceClient<Obj>(env.client, providerConfigScope);
    usages = new ResourceClient<ProviderConfigUsageObject>(env.client, providerConfigUsageScope);
    provider = await startProvider({
      kubeconfigPath: env.cluster.kubeconfigPath,
      logger: createLogger({ name: 'provider-usage-test' }),
      signal: stop.signal,
      pollIntervalMs: 2_000,
      operationPollIntervalMs: 300,
      waitIntervalMs: 300,
      workers: 2,
      retry: { initialMs: 300, maxMs: 2_000 },
      catalogTtlMs: 0,
      backendTimeoutMs: 5_000,
    });
  });

  after(async () => {
    stop.abort();
    await provider?.done;
    await broker?.close();
    await env?.stop();
  });

  void it('tracks every managed resource and keeps a ProviderConfig in use from being deleted', async () => {
    const mr = serviceInstanceMr({
      namespace: 'team-a',
      claim: 'pg',
      service: 'a9s-postgresql15',
      plan: 'postgresql-single-small',
    });
    // Klutch v1.5 declares originatingIdentity.value as a string holding JSON.
    (mr.spec.forProvider as Record<string, unknown>).originatingIdentity = {
      platform: 'kubernetes',
      value: '{"username":"alice","uid":"u-1"}',
    };
    await env.apply(mr);
    const name = mr.metadata.name ?? '';
    const created = await waitFor('instance Ready', async () => {
      const o = await instances.tryGet(name);
      return condition(o, 'Ready')?.status === 'True' ? o : undefined;
    });
    const uid = created.metadata.uid ?? '';

    const identity = broker.requestsTo('PUT', osbPaths.instance(uid))[0]?.headers[
      'x-broker-api-originating-identity'
    ];
    assert.ok(typeof identity === 'string' && identity.startsWith('kubernetes '), String(identity));
    assert.deepEqual(JSON.parse(Buffer.from(identity.split(' ')[1] ?? '', 'base64').toString('utf8')), {
      username: 'alice',
      uid: 'u-1',
    });

    const usage = await waitFor('ProviderConfigUsage', () => usages.tryGet(uid));
    assert.deepEqual(usage.providerConfigRef, { name: 'postgresql-service-broker' });
    assert.deepEqual(usage.resourceRef, {
      apiVersion: 'dataservices.anynines.com/v1',
      kind: 'ServiceInstance',
      name,
      uid,
    });
    assert.equal(usage.metadata.labels?.['crossplane.io/provider-config'], 'postgresql-service-broker');
    assert.equal(usage.metadata.ownerReferences?.[0]?.uid, uid);
    const listed = await env.kubectl([
      'get',
      'providerconfigusages',
      '-l',
      'crossplane.io/provider-config=postgresql-service-broker',
      '-o',
      'name',
    ]);
    assert.equal(listed.trim(), `providerconfigusage.dataservices.anynines.com/${uid}`);

    const inUse = await waitFor('ProviderConfig users 1', async () => {
      const pc = await providerConfigs.tryGet('postgresql-service-broker');
      return pc?.status?.users === 1 ? pc : undefined;
    });
    assert.ok(inUse.metadata.finalizers?.includes(inUseFinalizer));

    // The deletion waits for the resources that use the ProviderConfig.
    await env.kubectl(['delete', 'providerconfig', 'postgresql-service-broker', '--wait=false']);
    await waitFor('DeletionBlocked event', async () => {
      const events = await eventsFor(env.client, 'postgresql-service-broker');
      return events.find((e) => e.type === 'Warning' && e.reason === 'DeletionBlocked');
    });
    const blocked = await providerConfigs.tryGet('postgresql-service-broker');
    assert.ok(blocked?.metadata.deletionTimestamp, 'the ProviderConfig is still there, being deleted');
    // The resource can still be deleted at the broker with the ProviderConfig it was created with.
    await env.kubectl(['delete', 'serviceinstance', name, '--wait=false']);
    await waitFor('instance gone', async () => ((await instances.tryGet(name)) ? undefined : true));
    assert.equal(broker.requestsTo('DELETE', osbPaths.instance(uid)).length >= 1, true);
    await waitFor('usage gone', async () => ((await usages.tryGet(uid)) ? undefined : true));
    await waitFor('ProviderConfig gone', async () =>
      (await providerConfigs.tryGet('postgresql-service-broker')) ? undefined : true,
    );
  });
});
