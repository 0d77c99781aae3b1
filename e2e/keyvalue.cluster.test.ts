// Key-value end to end, as a developer works: the sandbox program (control plane, app cluster,
// broker with its own Redis server), the examples applied with kubectl in the bound app cluster,
// a real Redis client on the credentials Secret, backup, change, restore, deprovision. Also: a
// claim for a service the sandbox does not offer gets a condition that says so.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { eventually, findRepoRoot } from '@klutch/testenv';

const execFileAsync = promisify(execFile);
const repoRoot = findRepoRoot();

function redisClient(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5000,
  });
  redis.on('error', () => undefined);
  return redis;
}

async function withRedis<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = redisClient(url);
  try {
    await redis.connect();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

describe('key-value end to end from the app cluster', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'klutch-kv-e2e-'));
  // The broker's servers run as their own system users, which must pass through (only).
  chmodSync(dir, 0o711);
  let child: ChildProcess | undefined;
  let out = '';
  let exited: Promise<number | null> = Promise.resolve(null);
  const kubeconfig = join(dir, 'app', 'kubeconfig');
  const kubectl = async (...args: string[]) =>
    (await execFileAsync('kubectl', ['--kubeconfig', kubeconfig, ...args])).stdout;
  const apply = (file: string) => kubectl('apply', '-f', join(repoRoot, 'examples', file));
  const waitReady = (resource: string) =>
    kubectl('-n', 'demo', 'wait', '--for=condition=Ready', resource, '--timeout=180s');
  /** The broker's own Redis server, through the admin account the broker keeps in its directory. */
  const adminUrl = () => {
    const secrets = JSON.parse(readFileSync(join(dir, 'servers', 'redis.json'), 'utf8')) as {
      port: number;
      adminPassword: string;
    };
    return `redis://klutch_admin:${encodeURIComponent(secrets.adminPassword)}@127.0.0.1:${secrets.port}`;
  };

  before(async () => {
    const sandbox = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        join(repoRoot, 'packages', 'sandbox', 'src', 'main.ts'),
        '--dir',
        dir,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = sandbox;
    let err = '';
    sandbox.stdout.on('data', (d: Buffer) => (out += d.toString()));
    sandbox.stderr.on('data', (d: Buffer) => (err += d.toString()));
    exited = new Promise((r) => sandbox.once('exit', (code) => r(code)));
    await Promise.race([
      new Promise<void>((resolve) => {
        const check = () => (out.includes('Press Ctrl-C to stop.') ? resolve() : setTimeout(check, 200));
        check();
      }),
      exited.then((code) => {
        throw new Error(`the sandbox exited with ${code}: ${err}`);
      }),
    ]);
    await kubectl(
      '-n',
      'klutch-bind',
      'wait',
      '--for=condition=Ready',
      'apiservicebinding/keyvalueinstances.anynines.com',
      'apiservicebinding/mongodbinstances.anynines.com',
      'apiservicebinding/servicebindings.anynines.com',
      'apiservicebinding/backups.anynines.com',
      'apiservicebinding/restores.anynines.com',
      '--timeout=180s',
    );
    await kubectl('create', 'namespace', 'demo');
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the services it offers and those it does not', () => {
    // Other engines may join the list; key-value and PostgreSQL are always there.
    assert.match(out, /Data services offered: (.*, )?keyvalue, (.*, )?postgresql(, .*)?\./);
    assert.match(out, /Not offered: .*mongodb.*\(they need a real a9s backend\)/);
  });

  it('KeyvalueInstance: binding, a Redis client on the Secret, backup, change, restore, deprovision', async () => {
    await apply('keyvalue.yaml');
    await waitReady('servicebinding/kv-demo-app');
    const secret = JSON.parse(
      await kubectl('-n', 'demo', 'get', 'secret', 'kv-demo-app-creds', '-o', 'json'),
    ) as {
      data: Record<string, string>;
    };
    const creds = Object.fromEntries(
      Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
    for (const key of ['type', 'host', 'port', 'username', 'password', 'uri', 'key_prefix']) {
      assert.ok(creds[key], `credentials key ${key}`);
    }
    assert.equal(creds.type, 'redis');
    const uri = creds.uri ?? '';
    const p = creds.key_prefix ?? '';

    await withRedis(uri, async (redis) => {
      await redis.set(`${p}cart:1`, 'tea');
      await redis.set(`${p}session`, 'abc', 'EX', 3600);
      await redis.zadd(`${p}scores`, 10, 'ada', 20, 'bob');
      // Outside the key prefix: refused by the server.
      await assert.rejects(redis.set('cart:1', 'x'), /NOPERM/);
    });
    await apply('keyvalue-backup.yaml');
    await waitReady('backup/kv-demo-backup');

    await withRedis(uri, async (redis) => {
      await redis.del(`${p}cart:1`);
      await redis.set(`${p}cart:2`, 'milk');
    });
    await apply('keyvalue-restore.yaml');
    await waitReady('restore/kv-demo-restore');
    await withRedis(uri, async (redis) => {
      assert.equal(await redis.get(`${p}cart:1`), 'tea');
      assert.equal(await redis.exists(`${p}cart:2`), 0);
      assert.deepEqual(await redis.zrange(`${p}scores`, '0', '-1'), ['ada', 'bob']);
      const ttl = await redis.ttl(`${p}session`);
      assert.ok(ttl > 3000 && ttl <= 3600, `TTL kept (${ttl} s)`);
    });

    for (const resource of [
      'restore/kv-demo-restore',
      'backup/kv-demo-backup',
      'servicebinding/kv-demo-app',
    ]) {
      await kubectl('-n', 'demo', 'delete', resource, '--timeout=180s');
    }
    await kubectl('-n', 'demo', 'delete', 'keyvalueinstance/kv-demo', '--timeout=180s');
    // Nothing left on the server: no key of the instance, no binding user.
    await withRedis(adminUrl(), async (admin) => {
      assert.deepEqual(await admin.keys(`${p}*`), []);
      assert.ok(!((await admin.call('ACL', 'USERS')) as string[]).includes(creds.username ?? ''));
    });
  });

  it('a MongodbInstance gets a condition that says the sandbox does not offer MongoDB', async () => {
    const manifest = join(dir, 'mongodb.yaml');
    writeFileSync(
      manifest,
      `apiVersion: anynines.com/v1
kind: MongodbInstance
metadata: { name: mongo-demo, namespace: demo }
spec: { service: a9s-mongodb70, plan: mongodbsspl-single-small }
`,
    );
    await kubectl('apply', '-f', manifest);
    await eventually(
      async () => {
        const message = await kubectl(
          '-n',
          'demo',
          'get',
          'mongodbinstance',
          'mongo-demo',
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].message}',
        );
        assert.match(
          message,
          /^The Klutch sandbox does not offer MongoDB: it needs a real a9s Data Services backend/,
        );
      },
      120_000,
      1000,
    );
    await kubectl('-n', 'demo', 'delete', 'mongodbinstance/mongo-demo', '--timeout=120s');
  });
});
