import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { instanceResourceNames } from './engines/resourceNames.js';
import {
  BrokerTestbed,
  catalogIds,
  deprovisionInstance,
  provisionInstance,
  waitForJob,
} from './testing/brokerTestbed.js';
import { waitFor } from './testing/testHttpClient.js';

const service = 'a9s-keyvalue8';
const plan = 'keyvalue-single-small-ssl';

interface KeyvalueCredentials {
  type: string;
  host: string;
  port: number;
  username: string;
  password: string;
  uri: string;
  key_prefix: string;
}

/** A client that fails at once instead of reconnecting, so a refused login is an error. */
function client(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  redis.on('error', () => undefined);
  return redis;
}

async function withClient<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = client(url);
  try {
    await redis.connect();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** One command over a bare TCP connection, without the handshake a client library adds; the first reply line. */
function rawCommand(port: number, ...words: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no reply')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${words.join(' ')}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (received.includes('\r\n')) {
        socket.end();
        resolve(received.split('\r\n')[0] ?? '');
      }
    });
  });
}

/** Every key on the server that starts with `prefix`, seen through the admin connection. */
async function serverKeys(adminUrl: string, prefix: string): Promise<string[]> {
  return withClient(adminUrl, async (admin) => (await admin.keys(`${prefix}*`)).sort());
}

async function aclUsers(adminUrl: string): Promise<string[]> {
  return withClient(adminUrl, async (admin) => (await admin.call('ACL', 'USERS')) as string[]);
}

async function bind(tb: BrokerTestbed, instanceId: string, bindingId: string): Promise<KeyvalueCredentials> {
  const response = await tb.osb.put(
    `/v2/service_instances/${instanceId}/service_bindings/${bindingId}`,
    catalogIds(service, plan),
  );
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return (response.body as { credentials: KeyvalueCredentials }).credentials;
}

async function backupAndWait(tb: BrokerTestbed, instanceId: string): Promise<number> {
  const created = await tb.backupManager.post(`/instances/${instanceId}/backups`);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const backupId = (created.body as { id: number }).id;
  const backup = await waitForJob(tb.backupManager, `/instances/${instanceId}/backups/${backupId}`);
  assert.equal(backup.status, 'done', JSON.stringify(backup));
  return backupId;
}

async function restoreAndWait(tb: BrokerTestbed, instanceId: string, backupId: number): Promise<void> {
  const restore = await tb.backupManager.post(`/instances/${instanceId}/backups/${backupId}/restore`);
  assert.equal(restore.status, 202, JSON.stringify(restore.body));
  const restored = await waitForJob(
    tb.backupManager,
    `/instances/${instanceId}/restores/${(restore.body as { id: number }).id}`,
  );
  assert.equal(restored.status, 'done', JSON.stringify(restored));
}

describe('key-value instances on the broker-managed Redis server', () => {
  let tb: BrokerTestbed;
  let adminUrl: string;
  before(async () => {
    tb = await BrokerTestbed.startManaged({ managedMariadb: false });
    const redis = tb.managedAdminUrls().redis;
    assert.ok(redis, `the managed Redis server runs: ${tb.broker.managedServers?.redisUnavailable}`);
    adminUrl = redis;
  });
  after(async () => {
    await tb?.cleanup();
  });

  it('offers a9s-keyvalue8 and refuses replica plans and server settings with the reason', async () => {
    const catalog = (await tb.osb.get('/v2/catalog')).body as { services: Array<{ name: string }> };
    assert.ok(
      catalog.services.some((s) => s.name === service),
      catalog.services.map((s) => s.name).join(','),
    );
    const replica = await tb.osb.put(`/v2/service_instances/${tb.newInstanceId()}?accepts_incomplete=true`, {
      ...catalogIds(service, 'keyvalue-replica-small-ssl'),
      organization_guid: 'org',
      space_guid: 'space',
    });
    assert.equal(replica.status, 400);
    assert.match(
      String((replica.body as { description: string }).description),
      /keyvalue-replica-small-ssl .*replicas and Sentinel.*one shared Redis server.*keyvalue-single-\*/,
    );
    const settings = await tb.osb.put(`/v2/service_instances/${tb.newInstanceId()}?accepts_incomplete=true`, {
      ...catalogIds(service, plan),
      organization_guid: 'org',
      space_guid: 'space',
      parameters: { maxmemory: '64mb', 'maxmemory-policy': 'allkeys-lru' },
    });
    assert.equal(settings.status, 400);
    const description = String((settings.body as { description: string }).description);
    assert.match(
      description,
      /parameter "maxmemory" cannot be set on the sandbox broker because every key-value instance/,
    );
    assert.match(description, /parameter "maxmemory-policy" cannot be set/);
  });

  it('provisions, binds, backs up with TTLs, restores, unbinds and deprovisions', async () => {
    const id = tb.newInstanceId();
    const path = `/v2/service_instances/${id}`;
    await provisionInstance(tb.osb, id, service, plan);
    const credentials = await bind(tb, id, `b-${id}`);
    assert.deepEqual(Object.keys(credentials).sort(), [
      'host',
      'key_prefix',
      'password',
      'port',
      'type',
      'uri',
      'username',
    ]);
    assert.equal(credentials.type, 'redis');
    assert.equal(credentials.key_prefix, `${id}:`);
    assert.equal(
      credentials.uri,
      `redis://${credentials.username}:${credentials.password}@127.0.0.1:${credentials.port}`,
    );
    const p = credentials.key_prefix;

    await withClient(credentials.uri, async (redis) => {
      await redis.set(`${p}greeting`, 'hello');
      await redis.set(`${p}session`, 'short-lived', 'PX', 3_600_000);
      await redis.hset(`${p}user:1`, { name: 'Ada', role: 'admin' });
      await redis.rpush(`${p}queue`, 'a', 'b', 'c');
      await redis.set(`${p}binary`, Buffer.from([0, 255, 10, 13]));
    });
    const backupId = await backupAndWait(tb, id);

    await withClient(credentials.uri, async (redis) => {
      await redis.del(`${p}greeting`, `${p}queue`);
      await redis.set(`${p}after-backup`, 'x');
      await redis.persist(`${p}session`);
    });
    await restoreAndWait(tb, id, backupId);

    await withClient(credentials.uri, async (redis) => {
      assert.equal(await redis.get(`${p}greeting`), 'hello');
      assert.deepEqual(await redis.lrange(`${p}queue`, 0, -1), ['a', 'b', 'c']);
      assert.deepEqual(await redis.hgetall(`${p}user:1`), { name: 'Ada', role: 'admin' });
      assert.deepEqual(await redis.getBuffer(`${p}binary`), Buffer.from([0, 255, 10, 13]));
      assert.equal(await redis.exists(`${p}after-backup`), 0, 'a key written after the backup is gone');
      const ttl = await redis.pttl(`${p}session`);
      assert.ok(ttl > 3_500_000 && ttl <= 3_600_000, `the TTL came back with the key (${ttl} ms)`);
    });

    const ids = catalogIds(service, plan);
    const unbind = await tb.osb.delete(
      `${path}/service_bindings/b-${id}?service_id=${ids.service_id}&plan_id=${ids.plan_id}`,
    );
    assert.equal(unbind.status, 200);
    assert.match(
      await rawCommand(credentials.port, 'AUTH', credentials.username, credentials.password),
      /^-WRONGPASS/,
      'the binding user is gone',
    );
    assert.equal((await serverKeys(adminUrl, p)).length, 5, 'unbinding keeps the data');

    await bind(tb, id, `b2-${id}`);
    await deprovisionInstance(tb.osb, id, service, plan);
    assert.deepEqual(await serverKeys(adminUrl, p), [], 'deprovisioning removes every key');
    const prefix = instanceResourceNames(id).bindingUserPrefix;
    assert.deepEqual(
      (await aclUsers(adminUrl)).filter((u) => u.startsWith(prefix)),
      [],
      'deprovisioning removes every user',
    );
  });

  it("confines a binding to its own instance's keys and channels and keeps it off the server's controls", async () => {
    const victim = tb.newInstanceId();
    const attacker = tb.newInstanceId();
    await provisionInstance(tb.osb, victim, service, plan);
    await provisionInstance(tb.osb, attacker, service, plan);
    const victimCredentials = await bind(tb, victim, `b-${victim}`);
    const own = await bind(tb, attacker, `b-${attacker}`);
    const v = victimCredentials.key_prefix;
    const a = own.key_prefix;
    await withClient(victimCredentials.uri, (redis) => redis.set(`${v}secret`, 'victim-data'));

    const attacks: Array<[string, ...Array<string | number>]> = [
      ['GET', `${v}secret`],
      ['SET', `${v}secret`, 'overwritten'],
      ['DEL', `${v}secret`],
      ['RENAME', `${a}mine`, `${v}stolen`],
      ['KEYS', '*'],
      ['SCAN', 0, 'MATCH', '*'],
      ['RANDOMKEY'],
      ['DBSIZE'],
      ['FLUSHALL'],
      ['FLUSHDB'],
      ['SELECT', 1],
      ['SWAPDB', 0, 1],
      ['MOVE', `${a}mine`, 1],
      ['COPY', `${a}mine`, `${a}copy`, 'DB', 1],
      ['SORT', `${a}list`, 'BY', `${v}*`, 'GET', `${v}*`],
      ['CONFIG', 'GET', '*'],
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['ACL', 'LIST'],
      ['ACL', 'SETUSER', own.username, '~*', '+@all'],
      ['ACL', 'WHOAMI'],
      ['EVAL', "return redis.call('GET', KEYS[1])", 1, `${v}secret`],
      ['EVAL', "return redis.call('GET', ARGV[1])", 1, `${a}x`, `${v}secret`],
      ['EVAL_RO', 'return 1', 0],
      ['SCRIPT', 'LOAD', 'return 1'],
      ['FUNCTION', 'LOAD', "#!lua name=evil\nredis.register_function('f', function() return 1 end)"],
      ['FUNCTION', 'FLUSH'],
      ['FCALL', 'f', 0],
      ['DEBUG', 'SLEEP', 0],
      ['MODULE', 'LIST'],
      ['SHUTDOWN', 'NOSAVE'],
      ['SAVE'],
      ['BGSAVE'],
      ['BGREWRITEAOF'],
      ['REPLICAOF', '127.0.0.1', 1],
      ['FAILOVER'],
      ['MONITOR'],
      ['INFO'],
      ['CLIENT', 'LIST'],
      ['CLIENT', 'KILL', 'TYPE', 'normal'],
      ['CLIENT', 'TRACKING', 'ON', 'BCAST'],
      ['SLOWLOG', 'GET'],
      ['LATENCY', 'LATEST'],
      ['MEMORY', 'STATS'],
      ['PUBSUB', 'CHANNELS'],
      ['PUBLISH', `${v}events`, 'spoofed'],
      ['SUBSCRIBE', `${v}events`],
      ['PSUBSCRIBE', '*'],
      ['SUBSCRIBE', '__keyspace@0__:*'],
      ['RESTORE', `${a}restored`, 0, 'not-a-payload'],
      ['MIGRATE', '127.0.0.1', 1, `${a}mine`, 0, 1000],
    ];
    const allowed: string[] = [];
    for (const [command, ...args] of attacks) {
      try {
        await withClient(own.uri, (redis) => redis.call(command, ...args));
        allowed.push(`${command} ${args.join(' ')}`);
      } catch (err) {
        const message = (err as Error).message;
        assert.match(message, /NOPERM|not allowed/, `${command} ${args.join(' ')}: ${message}`);
      }
    }
    assert.deepEqual(allowed, [], 'every attack is refused');

    // Logging in as someone else does not work either.
    for (const [username, password] of [
      ['default', ''],
      ['default', own.password],
      ['klutch_admin', own.password],
      [victimCredentials.username, own.password],
    ] as const) {
      await assert.rejects(
        withClient(own.uri, (redis) => redis.call('AUTH', username, password)),
        /WRONGPASS|invalid username-password|AUTH.*failed/i,
        `AUTH ${username}`,
      );
    }
    assert.match(
      await rawCommand(own.port, 'GET', `${v}secret`),
      /^-NOAUTH/,
      'a connection without credentials can do nothing',
    );

    // The binding can still do its own work, and the victim's data is untouched.
    await withClient(own.uri, async (redis) => {
      await redis.set(`${a}mine`, '1');
      await redis.multi().incr(`${a}mine`).expire(`${a}mine`, 60).exec();
      assert.equal(await redis.get(`${a}mine`), '2');
      assert.equal(await redis.publish(`${a}events`, 'hello'), 0);
    });
    await withClient(victimCredentials.uri, async (redis) => {
      assert.equal(await redis.get(`${v}secret`), 'victim-data');
    });
  });

  it('keeps keys and users when its Redis server crashes and when the broker restarts', async () => {
    const id = tb.newInstanceId();
    await provisionInstance(tb.osb, id, service, plan);
    const credentials = await bind(tb, id, `b-${id}`);
    await withClient(credentials.uri, (redis) => redis.set(`${credentials.key_prefix}kept`, 'before'));
    // appendfsync everysec: what was written more than a second ago is on disk.
    await new Promise((r) => setTimeout(r, 1500));
    const server = tb.broker.managedServers?.redis?.server;
    const pid = server?.pid;
    assert.ok(pid, 'the managed Redis server runs');
    process.kill(pid, 'SIGKILL');
    await waitFor(
      'the Redis server to be restarted',
      () => Promise.resolve(server?.pid),
      (next) => next !== undefined && next !== pid,
    );
    const afterCrash = await waitFor(
      'the key back after the crash',
      () =>
        withClient(credentials.uri, (redis) => redis.get(`${credentials.key_prefix}kept`)).catch(() => null),
      (value) => value !== null,
    );
    assert.equal(afterCrash, 'before');

    await tb.restart();
    assert.equal(
      await withClient(credentials.uri, (redis) => redis.get(`${credentials.key_prefix}kept`)),
      'before',
    );
    await deprovisionInstance(tb.osb, id, service, plan);
  });

  it('uses an external Redis server that requires authentication, and refuses one that does not', async () => {
    const external = await BrokerTestbed.start({ redisAdminUrl: adminUrl });
    try {
      const catalog = (await external.osb.get('/v2/catalog')).body as { services: Array<{ name: string }> };
      assert.ok(catalog.services.some((s) => s.name === service));
      const id = external.newInstanceId();
      await provisionInstance(external.osb, id, service, plan);
      const credentials = await bind(external, id, `b-${id}`);
      await withClient(credentials.uri, (redis) => redis.set(`${credentials.key_prefix}x`, '1'));
      await deprovisionInstance(external.osb, id, service, plan);
      assert.deepEqual(await serverKeys(adminUrl, credentials.key_prefix), []);
    } finally {
      await external.cleanup();
    }
    // The machine's own server lets anyone in as `default`: no key-value service on it.
    const open = await BrokerTestbed.start({ redisAdminUrl: 'redis://127.0.0.1:6379' });
    try {
      const catalog = (await open.osb.get('/v2/catalog')).body as { services: Array<{ name: string }> };
      assert.ok(!catalog.services.some((s) => s.name === service), 'key-value is not offered');
    } finally {
      await open.cleanup();
    }
  });
});
