import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startCluster, type TestCluster } from '@klutch/testenv';
import { Informer } from './informer.js';
import { InformerSet } from './informerSet.js';
import { KubeClient } from './kubeClient.js';
import type { KubeObject } from './kubeObject.js';
import { silentLogger } from './logger.js';
import { ResourceClient } from './resourceClient.js';

interface Secret extends KubeObject {
  data?: Record<string, string>;
}

const SECRETS = { group: '', version: 'v1', resource: 'secrets', namespaced: true };

function secret(namespace: string, name: string, value: string): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    data: { value: Buffer.from(value).toString('base64') },
  };
}

describe('narrow caches on a real API server', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let secrets: ResourceClient<Secret>;

  before(async () => {
    cluster = await startCluster({ name: 'informerset' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    secrets = new ResourceClient<Secret>(client, SECRETS);
    const ns = new ResourceClient(client, {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      namespaced: false,
    });
    for (const name of ['set-a', 'set-b', 'meta']) await ns.create({ metadata: { name } });
  });
  after(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('byName caches only the named objects, follows keys added later, and stops removed ones', async () => {
    await secrets.create(secret('set-a', 'wanted', 'one'));
    await secrets.create(secret('set-a', 'other', 'not for us'));
    const stop = new AbortController();
    const set = InformerSet.byName<Secret>({
      resource: secrets,
      logger: silentLogger(),
      name: 'secrets',
      signal: stop.signal,
    });
    const adds: string[] = [];
    set.addHandlers({ onAdd: (o) => adds.push(`${o.metadata.namespace}/${o.metadata.name}`) });
    try {
      set.setKeys(['set-a/wanted']);
      await set.waitForSync();
      assert.deepEqual(
        set.list().map((o) => o.metadata.name),
        ['wanted'],
      );
      assert.equal(set.get('set-a/other'), undefined);
      assert.equal(set.hasSyncedFor('set-a/other'), false, 'no informer holds an unnamed Secret');

      // A key for a Secret that does not exist yet: listed as absent, then its creation arrives.
      set.setKeys(['set-a/wanted', 'set-b/later']);
      await set.waitForSync();
      assert.equal(set.hasSyncedFor('set-b/later'), true);
      assert.equal(set.get('set-b/later'), undefined);
      await secrets.create(secret('set-b', 'later', 'two'));
      await secrets.create(secret('set-b', 'noise', 'three'));
      await eventually(() => assert.ok(set.get('set-b/later')));
      assert.deepEqual(adds.sort(), ['set-a/wanted', 'set-b/later']);

      // Removing a key stops its informer: later changes to that Secret are not delivered.
      set.setKeys(['set-b/later']);
      assert.deepEqual(set.keys(), ['set-b/later']);
      assert.equal(set.get('set-a/wanted'), undefined);
      await secrets.delete('wanted', { namespace: 'set-a' });
      await secrets.create(secret('set-a', 'wanted', 'again'));
      await secrets.patch('later', { data: { value: 'Zm91cg==' } }, 'merge', { namespace: 'set-b' });
      await eventually(() => assert.equal(set.get('set-b/later')?.data?.value, 'Zm91cg=='));
      assert.deepEqual(adds.sort(), ['set-a/wanted', 'set-b/later'], 'no event of a removed key');
    } finally {
      stop.abort();
      await set.stop();
    }
  });

  it('byNamespace: one informer per namespace, or key "" for all of them', async () => {
    await secrets.create(secret('set-b', 'ns-probe', 'five'));
    const stop = new AbortController();
    const set = InformerSet.byNamespace<Secret>({
      resource: secrets,
      logger: silentLogger(),
      name: 'secrets',
      signal: stop.signal,
    });
    try {
      set.setKeys(['set-b']);
      await set.waitForSync();
      assert.ok(set.get('set-b/ns-probe'));
      assert.equal(set.hasSyncedFor('set-a/other'), false);
      set.setKeys(['']);
      await set.waitForSync();
      assert.ok(set.get('set-b/ns-probe'), 'the cluster-wide informer holds objects of every namespace');
      assert.ok(set.get('set-a/other'));
      assert.equal(set.hasSyncedFor('set-a/absent'), true);
    } finally {
      stop.abort();
      await set.stop();
    }
  });

  it('a metadata-only informer holds no bodies and still sees every change', async () => {
    const big = 'x'.repeat(64 * 1024);
    await secrets.create(secret('meta', 'big', big));
    const informer = new Informer<Secret>({
      resource: secrets,
      logger: silentLogger(),
      namespace: 'meta',
      metadataOnly: true,
    });
    const log: string[] = [];
    informer.addHandlers({
      onAdd: (o) => log.push(`add ${o.metadata.name}`),
      onUpdate: (_o, n) => log.push(`update ${n.metadata.name}`),
      onDelete: (o) => log.push(`delete ${o.metadata.name}`),
    });
    informer.start();
    try {
      await informer.waitForSync();
      const cached = informer.get('meta/big');
      assert.equal(cached?.kind, 'PartialObjectMetadata');
      assert.equal(cached?.data, undefined, 'the body stays on the server');
      assert.ok(JSON.stringify(cached).length < 1024, JSON.stringify(cached));

      await secrets.create(secret('meta', 'second', big));
      // A change of the body alone is an update too (the resourceVersion moves).
      await secrets.patch('big', { data: { value: 'c21hbGw=' } }, 'merge', { namespace: 'meta' });
      await secrets.delete('second', { namespace: 'meta' });
      await eventually(() => assert.deepEqual(log, ['add big', 'add second', 'update big', 'delete second']));
      assert.equal(informer.get('meta/big')?.data, undefined);
    } finally {
      await informer.stop();
    }
  });
});
