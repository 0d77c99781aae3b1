// Messaging on the broker's own RabbitMQ node: provisioning, bindings, backups and restores through
// the broker's APIs, a real AMQP client, and attacks with one tenant's credentials. One node for the
// whole file (it takes seconds to boot).
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { instanceResourceNames } from './engines/resourceNames.js';
import { RabbitmqEngine } from './engines/rabbitmqEngine.js';
import { RabbitmqManagementApi } from './engines/rabbitmqManagementApi.js';
import {
  BrokerTestbed,
  catalogIds,
  deprovisionInstance,
  provisionInstance,
  waitForJob,
} from './testing/brokerTestbed.js';
import { waitFor } from './testing/testHttpClient.js';

const service = 'a9s-messaging310';
const plan = 'messaging-single-small';
type Credentials = Record<string, string | number>;

/** RabbitMQ refuses a virtual host without permissions by closing the connection during its opening. */
const refusedVhost = /NOT_ALLOWED|530|Expected ConnectionOpenOk; got <ConnectionClose/;

/** Listening TCP sockets (IPv4 and IPv6) with their local address as the kernel writes it. */
async function listeningSockets(): Promise<Array<{ address: string; port: number }>> {
  const sockets: Array<{ address: string; port: number }> = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(file, 'utf8')).split('\n').slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue;
      const [address = '', port = '0'] = local.split(':');
      sockets.push({ address, port: Number.parseInt(port, 16) });
    }
  }
  return sockets;
}

async function withAmqp<T>(uri: string, fn: (c: ChannelModel) => Promise<T>): Promise<T> {
  const connection = await connect(uri);
  connection.on('error', () => undefined);
  try {
    return await fn(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** The AMQP error a refused connection attempt ends with. */
async function amqpRefusal(uri: string): Promise<string> {
  try {
    const connection = await connect(uri);
    await connection.close();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`the connection to ${uri.replace(/:[^:@/]*@/, ':***@')} was accepted`);
}

/** Publishes through the exchange and reads the message back from the queue. */
async function roundTrip(uri: string, exchange: string, queue: string, text: string): Promise<string> {
  return withAmqp(uri, async (c) => {
    const channel = await c.createConfirmChannel();
    channel.publish(exchange, 'orders.new', Buffer.from(text), { persistent: true });
    await channel.waitForConfirms();
    for (let i = 0; i < 50; i++) {
      const message = await channel.get(queue, { noAck: true });
      if (message) return message.content.toString();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no message arrived in ${queue}`);
  });
}

describe('messaging instances on the managed RabbitMQ node', { timeout: 600_000 }, () => {
  let tb: BrokerTestbed;
  let admin: RabbitmqManagementApi;
  let managementUrl: string;

  const withoutCredentials = (url: string) => {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  };

  before(async () => {
    tb = await BrokerTestbed.startManaged({ managedMariadb: false, managedRabbitmq: true });
    const rabbitmq = tb.broker.managedServers?.rabbitmq;
    assert.ok(rabbitmq, tb.broker.managedServers?.rabbitmqUnavailable);
    managementUrl = rabbitmq.managementUrl;
    admin = new RabbitmqManagementApi(managementUrl, 10_000);
  });
  after(async () => {
    await tb?.cleanup();
  });

  async function bind(instanceId: string, bindingId: string): Promise<Credentials> {
    const bound = await tb.osb.put(
      `/v2/service_instances/${instanceId}/service_bindings/${bindingId}`,
      catalogIds(service, plan),
    );
    assert.equal(bound.status, 201, JSON.stringify(bound.body));
    return (bound.body as { credentials: Credentials }).credentials;
  }

  it('runs its own node: loopback listeners, no guest, the management plugin on its own port', async () => {
    const catalog = (await tb.osb.get('/v2/catalog')).body as { services: Array<{ name: string }> };
    assert.ok(catalog.services.some((s) => s.name === service));
    const overview = await admin.get<{
      node: string;
      listeners: Array<{ protocol: string; ip_address: string; port: number }>;
    }>('/api/overview');
    assert.match(overview.node, /^klutch-[0-9a-f]{12}@localhost$/);
    // The overview reports the management listener as `::` whatever it binds: ask the kernel.
    const sockets = await listeningSockets();
    for (const listener of overview.listeners) {
      const addresses = sockets.filter((x) => x.port === listener.port).map((x) => x.address);
      assert.ok(addresses.length > 0, `${listener.protocol} port ${listener.port} is listening`);
      assert.deepEqual(
        [...new Set(addresses)],
        ['0100007F'],
        `${listener.protocol} listens on loopback only`,
      );
    }
    assert.notEqual(
      overview.listeners.find((l) => l.protocol === 'amqp')?.port,
      5672,
      'not the machine node',
    );
    const users = await admin.get<Array<{ name: string }>>('/api/users');
    assert.deepEqual(
      users.map((u) => u.name),
      ['klutch_admin'],
    );
    const cookie = join(tb.options.managedServersDir ?? '', 'rabbitmq', '.erlang.cookie');
    assert.equal((await stat(cookie)).mode & 0o077, 0, 'the Erlang cookie is private to the node');
    const config = await readFile(
      join(tb.options.managedServersDir ?? '', 'rabbitmq', 'rabbitmq.conf'),
      'utf8',
    );
    assert.doesNotMatch(
      config,
      /default_pass/,
      'the admin password stays in the file only while the node starts',
    );
    const port = overview.listeners.find((l) => l.protocol === 'amqp')?.port ?? 0;
    assert.match(await amqpRefusal(`amqp://guest:guest@127.0.0.1:${port}/`), /ACCESS_REFUSED|403/);
  });

  it('refuses versions, plans and parameters the single 3.10 node cannot honour', async () => {
    const id = tb.newInstanceId();
    const attempt = (serviceName: string, planName: string, parameters: Record<string, unknown> = {}) =>
      tb.osb.put(`/v2/service_instances/${id}?accepts_incomplete=true`, {
        ...catalogIds(serviceName, planName),
        organization_guid: 'org',
        space_guid: 'space',
        parameters,
      });
    const version = await attempt('a9s-messaging313', plan);
    assert.equal(version.status, 400);
    assert.match(
      JSON.stringify(version.body),
      /cannot provide a9s-messaging313 messaging-single-small: service a9s-messaging313 asks for RabbitMQ 3.13, but the sandbox's RabbitMQ node runs 3.10/,
    );
    const cluster = await attempt(service, 'messaging-cluster-small');
    assert.equal(cluster.status, 400);
    assert.match(JSON.stringify(cluster.body), /needs a RabbitMQ cluster/);
    const tls = await attempt(service, 'messaging-single-small-ssl');
    assert.match(JSON.stringify(tls.body), /needs TLS/);
    const timeout = await attempt(service, plan, { consumer_timeout: 3_600_000 });
    assert.equal(timeout.status, 400);
    assert.match(JSON.stringify(timeout.body), /consumer_timeout.*whole node/);
  });

  it('provisions a virtual host, binds users that publish and consume, backs up, restores, deprovisions', async () => {
    const id = tb.newInstanceId();
    const vhost = instanceResourceNames(id).database;
    await provisionInstance(tb.osb, id, service, plan);
    assert.ok(await admin.find(`/api/vhosts/${vhost}`));
    assert.deepEqual(await admin.get(`/api/vhost-limits/${vhost}`), [
      { vhost, value: { 'max-connections': 50 } },
    ]);

    const credentials = await bind(id, `b1-${id}`);
    assert.deepEqual(Object.keys(credentials).sort(), [
      'host',
      'password',
      'port',
      'type',
      'uri',
      'username',
      'vhost',
    ]);
    assert.equal(credentials.type, 'rabbitmq');
    assert.equal(credentials.vhost, vhost);
    assert.equal(
      credentials.uri,
      `amqp://${credentials.username}:${credentials.password}@127.0.0.1:${credentials.port}/${vhost}`,
    );
    const uri = String(credentials.uri);
    await withAmqp(uri, async (c) => {
      const channel = await c.createChannel();
      await channel.assertExchange('orders', 'topic', { durable: true });
      await channel.assertQueue('orders-new', { durable: true, arguments: { 'x-max-length': 1000 } });
      await channel.bindQueue('orders-new', 'orders', 'orders.*');
    });
    assert.equal(await roundTrip(uri, 'orders', 'orders-new', 'first order'), 'first order');
    // A message left in the queue: backups hold definitions, not messages.
    await withAmqp(uri, async (c) => {
      const channel = await c.createConfirmChannel();
      channel.publish('orders', 'orders.new', Buffer.from('kept-before-backup'));
      await channel.waitForConfirms();
    });

    const created = await tb.backupManager.post(`/instances/${id}/backups`);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const backupId = String((created.body as { id: number }).id);
    assert.equal((await waitForJob(tb.backupManager, `/instances/${id}/backups/${backupId}`)).status, 'done');
    const file = await readFile(join(tb.options.backupDir, id, `${backupId}.bin`));
    assert.ok(!file.includes(Buffer.from('orders-new')), 'the backup file is encrypted');

    // Change the definitions after the backup.
    await withAmqp(uri, async (c) => {
      const channel = await c.createChannel();
      await channel.deleteQueue('orders-new');
      await channel.assertQueue('created-after-backup', { durable: true });
    });
    const restore = await tb.backupManager.post(`/instances/${id}/backups/${backupId}/restore`);
    assert.equal(restore.status, 202, JSON.stringify(restore.body));
    const restoreId = String((restore.body as { id: number }).id);
    const restored = await waitForJob(tb.backupManager, `/instances/${id}/restores/${restoreId}`);
    assert.equal(restored.status, 'done', JSON.stringify(restored));

    const queues = await admin.get<Array<{ name: string; messages?: number; arguments: object }>>(
      `/api/queues/${vhost}?columns=name,arguments`,
    );
    assert.deepEqual(
      queues.map((q) => [q.name, q.arguments]),
      [['orders-new', { 'x-max-length': 1000 }]],
    );
    const bindings = await admin.get<Array<{ source: string; routing_key: string }>>(
      `/api/bindings/${vhost}/e/orders/q/orders-new`,
    );
    assert.deepEqual(
      bindings.map((b) => b.routing_key),
      ['orders.*'],
    );
    // The binding's user kept its access, and the restored topology routes again.
    assert.equal(await roundTrip(uri, 'orders', 'orders-new', 'after restore'), 'after restore');

    // Unbinding ends the user's open connections and its access.
    const second = await bind(id, `b2-${id}`);
    const open = await connect(String(second.uri));
    const closed = new Promise<void>((resolve) => open.once('close', () => resolve()));
    open.on('error', () => undefined);
    const unbind = await tb.osb.delete(
      `/v2/service_instances/${id}/service_bindings/b2-${id}?service_id=${catalogIds(service, plan).service_id}&plan_id=${catalogIds(service, plan).plan_id}`,
    );
    assert.equal(unbind.status, 200, JSON.stringify(unbind.body));
    await closed;
    assert.match(await amqpRefusal(String(second.uri)), /ACCESS_REFUSED|403/);

    await deprovisionInstance(tb.osb, id, service, plan);
    assert.equal(await admin.find(`/api/vhosts/${vhost}`), undefined);
    const users = await admin.get<Array<{ name: string }>>('/api/users');
    assert.deepEqual(
      users.map((u) => u.name),
      ['klutch_admin'],
    );
  });

  describe("attacks with one tenant's credentials", () => {
    let victimId: string;
    let attacker: Credentials;
    let victim: Credentials;

    before(async () => {
      victimId = tb.newInstanceId();
      const attackerId = tb.newInstanceId();
      await provisionInstance(tb.osb, victimId, service, plan);
      await provisionInstance(tb.osb, attackerId, service, plan);
      victim = await bind(victimId, `v-${victimId}`);
      attacker = await bind(attackerId, `a-${attackerId}`);
      await withAmqp(String(victim.uri), async (c) => {
        const channel = await c.createConfirmChannel();
        await channel.assertQueue('secrets', { durable: true });
        channel.sendToQueue('secrets', Buffer.from('victim-secret'));
        await channel.waitForConfirms();
      });
    });

    const attackerUri = (vhost: string) =>
      `amqp://${attacker.username}:${attacker.password}@127.0.0.1:${attacker.port}/${encodeURIComponent(vhost)}`;

    it("cannot open the other tenant's virtual host, nor the node's default one", async () => {
      assert.match(await amqpRefusal(attackerUri(String(victim.vhost))), refusedVhost);
      assert.match(await amqpRefusal(attackerUri('/')), refusedVhost);
      // With the victim's user name but the attacker's password.
      assert.match(
        await amqpRefusal(
          `amqp://${victim.username}:${attacker.password}@127.0.0.1:${victim.port}/${String(victim.vhost)}`,
        ),
        /ACCESS_REFUSED|403/,
      );
      const left = await withAmqp(String(victim.uri), async (c) => {
        const channel = await c.createChannel();
        return (await channel.checkQueue('secrets')).messageCount;
      });
      assert.equal(left, 1, "the victim's message is still there");
    });

    it('cannot use the management API: no overview, virtual hosts, users, definitions or permissions', async () => {
      const base = withoutCredentials(managementUrl);
      const auth = `Basic ${Buffer.from(`${attacker.username}:${attacker.password}`).toString('base64')}`;
      const vhost = encodeURIComponent(String(victim.vhost));
      const attempts: Array<[string, string, unknown?]> = [
        ['GET', '/api/overview'],
        ['GET', '/api/vhosts'],
        ['GET', '/api/users'],
        ['GET', `/api/definitions/${vhost}`],
        [
          'POST',
          `/api/queues/${vhost}/secrets/get`,
          { count: 1, ackmode: 'ack_requeue_true', encoding: 'auto' },
        ],
        ['PUT', '/api/users/intruder', { password: 'x', tags: 'administrator' }],
        [
          'PUT',
          `/api/permissions/${vhost}/${String(attacker.username)}`,
          { configure: '.*', write: '.*', read: '.*' },
        ],
        ['PUT', `/api/users/${String(attacker.username)}`, { password: 'x', tags: 'administrator' }],
        ['DELETE', `/api/vhosts/${vhost}`],
        ['POST', '/api/definitions', { users: [{ name: 'intruder', password: 'x', tags: 'administrator' }] }],
      ];
      for (const [method, path, body] of attempts) {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        assert.ok([401, 403].includes(response.status), `${method} ${path} answered ${response.status}`);
      }
      assert.equal(await admin.find('/api/users/intruder'), undefined);
      const permissions = await admin.get<Array<{ vhost: string }>>(
        `/api/users/${String(attacker.username)}/permissions`,
      );
      assert.deepEqual(
        permissions.map((p) => p.vhost),
        [attacker.vhost],
      );
    });

    it("sees only its own virtual host's queues, not the victim's", async () => {
      await withAmqp(String(attacker.uri), async (c) => {
        c.on('error', () => undefined);
        const channel = await c.createChannel();
        channel.on('error', () => undefined);
        // Names resolve in the attacker's own virtual host only: the victim's queue is not there.
        await assert.rejects(channel.checkQueue('secrets'), /NOT_FOUND/);
      });
    });
  });

  it('refuses an external RabbitMQ that has guest or whose user is no administrator; offers one that enforces authentication', async () => {
    const asUser = (user: string, password: string) => {
      const u = new URL(managementUrl);
      u.username = user;
      u.password = password;
      return u.toString();
    };
    await admin.put('/api/users/guest', { password: 'guest', tags: 'administrator' });
    try {
      await assert.rejects(
        RabbitmqEngine.connect({ managementUrl, publicHost: '127.0.0.1' }),
        /has the user "guest", an administrator with a well-known password/,
      );
      // A broker pointed at it (the external-server flag) leaves messaging out and says why.
      const external = await BrokerTestbed.start({ rabbitmqManagementUrl: managementUrl });
      try {
        const catalog = (await external.osb.get('/v2/catalog')).body as { services: Array<{ name: string }> };
        assert.ok(!catalog.services.some((x) => x.name.startsWith('a9s-messaging')));
      } finally {
        await external.cleanup();
      }
    } finally {
      await admin.deleteUser('guest');
    }
    await admin.put('/api/users/monitor-only', { password: 'monitor-password-1', tags: 'monitoring' });
    try {
      await assert.rejects(
        RabbitmqEngine.connect({
          managementUrl: asUser('monitor-only', 'monitor-password-1'),
          publicHost: '127.0.0.1',
        }),
        /is not an administrator/,
      );
    } finally {
      await admin.deleteUser('monitor-only');
    }
    // Without guest the same server is offered, and instances work through the external flag.
    const external = await BrokerTestbed.start({ rabbitmqManagementUrl: managementUrl });
    try {
      const id = external.newInstanceId();
      await provisionInstance(external.osb, id, service, plan);
      const bound = await external.osb.put(
        `/v2/service_instances/${id}/service_bindings/x-${id}`,
        catalogIds(service, plan),
      );
      const credentials = (bound.body as { credentials: Credentials }).credentials;
      await withAmqp(String(credentials.uri), async (c) => {
        const channel = await c.createChannel();
        await channel.assertQueue('external', { durable: false });
      });
      await deprovisionInstance(external.osb, id, service, plan);
      assert.equal(await admin.find(`/api/vhosts/${instanceResourceNames(id).database}`), undefined);
    } finally {
      await external.cleanup();
    }
  });

  it('restarts a node that dies, with its virtual hosts and users', async () => {
    const id = tb.newInstanceId();
    await provisionInstance(tb.osb, id, service, plan);
    const credentials = await bind(id, `k-${id}`);
    await withAmqp(String(credentials.uri), async (c) => {
      const channel = await c.createChannel();
      await channel.assertExchange('survives', 'fanout', { durable: true });
      await channel.assertQueue('survives-q', { durable: true });
      await channel.bindQueue('survives-q', 'survives', '');
    });
    const server = tb.broker.managedServers?.rabbitmq?.server;
    const pid = server?.pid;
    assert.ok(pid, 'the managed RabbitMQ node runs');
    process.kill(pid, 'SIGKILL');
    const unhealthy = await waitFor(
      'the broker to report the dead node',
      () => tb.osb.get('/healthz'),
      (r) => r.status === 503,
      30_000,
    );
    assert.match(JSON.stringify(unhealthy.body), /managed RabbitMQ server is not running/);
    await waitFor(
      'the restarted node to answer the binding',
      () => roundTrip(String(credentials.uri), 'survives', 'survives-q', 'after the crash').catch(() => ''),
      (text) => text === 'after the crash',
      180_000,
    );
    assert.notEqual(server?.pid, pid);
  });

  it('resumes the node with its virtual hosts and users when the broker restarts', async () => {
    const id = tb.newInstanceId();
    await provisionInstance(tb.osb, id, service, plan);
    const credentials = await bind(id, `r-${id}`);
    await withAmqp(String(credentials.uri), async (c) => {
      const channel = await c.createChannel();
      await channel.assertExchange('kept', 'fanout', { durable: true });
      await channel.assertQueue('kept-q', { durable: true });
      await channel.bindQueue('kept-q', 'kept', '');
    });
    const before = tb.broker.managedServers?.rabbitmq?.server.pid;
    await tb.restart();
    assert.notEqual(tb.broker.managedServers?.rabbitmq?.server.pid, before);
    assert.equal(
      await roundTrip(String(credentials.uri), 'kept', 'kept-q', 'after restart'),
      'after restart',
    );
    const users = await admin.get<Array<{ name: string }>>('/api/users');
    assert.ok(!users.some((u) => u.name === 'guest'));
  });
});
