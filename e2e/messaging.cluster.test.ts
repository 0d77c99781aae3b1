// Messaging end to end in the control plane: a real API server, the sandbox broker with its own
// RabbitMQ node (and its own PostgreSQL for the state), the provider and the composition controller.
// Users' objects are applied with kubectl; an AMQP client publishes and consumes with the
// credentials Secret.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { KubeClient, silentLogger } from '@klutch/kube';
import { startDataServicesStack, type DataServicesStack } from '@klutch/sandbox';
import { findRepoRoot, startCluster, type TestCluster } from '@klutch/testenv';
import { claimSteps, eventuallyDefined } from './support/claimSteps.js';

const repoRoot = findRepoRoot();

async function withAmqp<T>(uri: string, fn: (c: ChannelModel) => Promise<T>): Promise<T> {
  const connection = await connect(uri);
  connection.on('error', () => undefined);
  try {
    return await fn(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

describe('messaging end to end (control plane)', { timeout: 900_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let stack: DataServicesStack;
  const stop = new AbortController();
  const { claims, secrets, apply, ready, deleted } = claimSteps(
    () => cluster,
    () => client,
    'team-a',
  );
  const dir = mkdtempSync(join(tmpdir(), 'klutch-e2e-messaging-'));

  before(async () => {
    // The servers run as their own system users, which must pass through to their directories.
    chmodSync(dir, 0o711);
    cluster = await startCluster({ name: 'messaging' });
    client = KubeClient.from({ file: cluster.kubeconfigPath });
    stack = await startDataServicesStack({
      client,
      logger: silentLogger(),
      signal: stop.signal,
      crdDir: join(repoRoot, 'packages', 'api', 'crds'),
      broker: {
        // The broker's own servers: a RabbitMQ node without guest, and PostgreSQL for the state.
        managedServersDir: join(dir, 'servers'),
        managedMariadb: false,
        managedRabbitmq: true,
        backupDir: join(dir, 'backups'),
        username: 'broker',
        password: randomBytes(12).toString('hex'),
        provisionDelayMs: 100,
        logger: silentLogger(),
      },
      provider: { pollIntervalMs: 2_000, operationPollIntervalMs: 300, waitIntervalMs: 500 },
    });
    assert.ok(stack.services.includes('messaging'), stack.services.join(','));
    const ns = await cluster.kubectl(['create', 'namespace', 'team-a']);
    assert.equal(ns.code, 0, ns.stderr);
  });

  after(async () => {
    stop.abort();
    await stack?.stopped();
    await client?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('instance, binding, AMQP publish and consume, backup, change, restore, unbind, deprovision', async () => {
    await apply(`
apiVersion: anynines.com/v1
kind: MessagingInstance
metadata: { name: orders-bus, namespace: team-a }
spec: { service: a9s-messaging310, plan: messaging-single-small }
`);
    await ready('messaginginstances', 'orders-bus');
    await apply(`
apiVersion: anynines.com/v1
kind: ServiceBinding
metadata: { name: orders-bus-app, namespace: team-a }
spec: { instanceRef: orders-bus, serviceInstanceType: messaging }
`);
    const binding = await ready('servicebindings', 'orders-bus-app');
    const secretName = binding.status?.binding?.name;
    assert.equal(secretName, 'orders-bus-app-creds');
    const secret = await secrets().get(secretName, { namespace: 'team-a' });
    const creds = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
    for (const k of ['type', 'provider', 'host', 'port', 'username', 'password', 'vhost', 'uri'])
      assert.ok(creds[k], `key ${k}`);
    assert.equal(creds.type, 'rabbitmq');
    const uri = String(creds.uri);
    assert.match(uri, /^amqp:\/\//);

    // The application's topology and a message through it.
    await withAmqp(uri, async (c) => {
      const channel = await c.createConfirmChannel();
      await channel.assertExchange('orders', 'direct', { durable: true });
      await channel.assertQueue('invoices', { durable: true });
      await channel.bindQueue('invoices', 'orders', 'paid');
      channel.publish('orders', 'paid', Buffer.from('order 1 paid'), { persistent: true });
      await channel.waitForConfirms();
      const consumed = new Promise<string>((resolve) => {
        void channel.consume('invoices', (message) => {
          if (message) {
            channel.ack(message);
            resolve(message.content.toString());
          }
        });
      });
      assert.equal(await consumed, 'order 1 paid');
    });

    await apply(`
apiVersion: anynines.com/v1
kind: Backup
metadata: { name: orders-bus-b1, namespace: team-a }
spec: { instanceRef: orders-bus, serviceInstanceType: messaging }
`);
    await ready('backups', 'orders-bus-b1');

    // Change the topology after the backup.
    await withAmqp(uri, async (c) => {
      const channel = await c.createChannel();
      await channel.deleteQueue('invoices');
      await channel.assertQueue('after-backup', { durable: true });
    });

    await apply(`
apiVersion: anynines.com/v1
kind: Restore
metadata: { name: orders-bus-r1, namespace: team-a }
spec: { backupRef: orders-bus-b1, serviceInstanceType: messaging }
`);
    await ready('restores', 'orders-bus-r1');

    // The original topology is back: the binding routes into `invoices` again, `after-backup` is gone.
    await withAmqp(uri, async (c) => {
      const channel = await c.createConfirmChannel();
      channel.on('error', () => undefined);
      channel.publish('orders', 'paid', Buffer.from('order 2 paid'));
      await channel.waitForConfirms();
      const got = await eventuallyDefined('the message in the restored queue', async () => {
        const message = await channel.get('invoices', { noAck: true });
        return message ? message.content.toString() : undefined;
      });
      assert.equal(got, 'order 2 paid');
      await assert.rejects(channel.checkQueue('after-backup'), /NOT_FOUND/);
    });

    await deleted('servicebindings', 'orders-bus-app');
    await assert.rejects(connect(uri), /ACCESS_REFUSED|403/);
    await deleted('restores', 'orders-bus-r1');
    await deleted('backups', 'orders-bus-b1');
    await deleted('messaginginstances', 'orders-bus');
    const management = stack.broker.managedServers?.rabbitmq?.managementUrl;
    assert.ok(management);
    const url = new URL(management);
    const auth = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    await eventuallyDefined('the virtual host and its users removed', async () => {
      const vhost = await fetch(`http://${url.host}/api/vhosts/${encodeURIComponent(creds.vhost ?? '')}`, {
        headers: { authorization: auth },
      });
      const users = (await (
        await fetch(`http://${url.host}/api/users`, { headers: { authorization: auth } })
      ).json()) as Array<{ name: string }>;
      return vhost.status === 404 && users.every((u) => u.name === 'klutch_admin') ? true : undefined;
    });
  });

  it('a clustered plan is refused by the broker, and the reason reaches the instance', async () => {
    await apply(`
apiVersion: anynines.com/v1
kind: MessagingInstance
metadata: { name: bus-cluster, namespace: team-a }
spec: { service: a9s-messaging310, plan: messaging-cluster-small }
`);
    const refused = await eventuallyDefined('the broker refusal on the instance', async () => {
      const c = await claims('messaginginstances').get('bus-cluster', { namespace: 'team-a' });
      return c.status?.conditions?.find((x) => x.status === 'False' && /cluster/.test(x.message ?? ''))
        ?.message;
    });
    assert.match(refused, /needs a RabbitMQ cluster, but the sandbox runs a single RabbitMQ node/);
    await deleted('messaginginstances', 'bus-cluster');
  });
});
