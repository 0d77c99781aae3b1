// Messaging as an app developer uses it: the sandbox program (control plane, app cluster, the
// broker's own RabbitMQ node), the example manifests applied in the app cluster, and an AMQP
// client that publishes and consumes with the credentials Secret the konnector copies down.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { eventually, findRepoRoot } from '@klutch/testenv';

const execFileAsync = promisify(execFile);
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

describe('messaging from the app cluster of the sandbox', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'klutch-sandbox-messaging-'));
  // The broker's servers run as their own system users, which must pass through (only).
  chmodSync(dir, 0o711);
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('instance, binding, publish and consume, backup, change, restore, delete with the examples', async () => {
    const child = spawn(
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
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await Promise.race([
        new Promise<void>((resolve) => {
          const check = () => (out.includes('Press Ctrl-C to stop.') ? resolve() : setTimeout(check, 200));
          check();
        }),
        exited.then((code) => {
          throw new Error(`the sandbox exited with ${code}: ${err}`);
        }),
      ]);
      assert.match(out, /Data services offered: .*messaging/);
      const kubeconfig = join(dir, 'app', 'kubeconfig');
      const kubectl = (...args: string[]) => execFileAsync('kubectl', ['--kubeconfig', kubeconfig, ...args]);
      const example = (name: string) => join(repoRoot, 'examples', name);
      await kubectl(
        '-n',
        'klutch-bind',
        'wait',
        '--for=condition=Ready',
        'apiservicebinding/messaginginstances.anynines.com',
        'apiservicebinding/servicebindings.anynines.com',
        'apiservicebinding/backups.anynines.com',
        'apiservicebinding/restores.anynines.com',
        '--timeout=120s',
      );
      await kubectl('create', 'namespace', 'demo');
      await kubectl('apply', '-f', example('messaging.yaml'));
      await kubectl(
        '-n',
        'demo',
        'wait',
        '--for=condition=Ready',
        'servicebinding/messaging-demo-app',
        '--timeout=180s',
      );
      const secret = JSON.parse(
        (await kubectl('-n', 'demo', 'get', 'secret', 'messaging-demo-app-creds', '-o', 'json')).stdout,
      ) as { data: Record<string, string> };
      const creds = Object.fromEntries(
        Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
      );
      assert.equal(creds.type, 'rabbitmq');
      assert.ok(creds.vhost && creds.username && creds.password && creds.host && creds.port);
      const uri = String(creds.uri);

      await withAmqp(uri, async (c) => {
        const channel = await c.createConfirmChannel();
        await channel.assertExchange('events', 'fanout', { durable: true });
        await channel.assertQueue('audit', { durable: true });
        await channel.bindQueue('audit', 'events', '');
        channel.publish('events', '', Buffer.from('user signed up'));
        await channel.waitForConfirms();
        const message = await channel.get('audit', { noAck: true });
        assert.equal(message && message.content.toString(), 'user signed up');
      });
      // A guessed password is refused: the broker's node checks passwords.
      const guessed = new URL(uri);
      guessed.password = 'guessed';
      await assert.rejects(connect(guessed.toString()), /ACCESS_REFUSED|403/);

      await kubectl('apply', '-f', example('messaging-backup.yaml'));
      await kubectl(
        '-n',
        'demo',
        'wait',
        '--for=condition=Ready',
        'backup/messaging-demo-backup',
        '--timeout=180s',
      );
      await withAmqp(uri, async (c) => {
        const channel = await c.createChannel();
        await channel.deleteQueue('audit');
      });
      await kubectl('apply', '-f', example('messaging-restore.yaml'));
      await kubectl(
        '-n',
        'demo',
        'wait',
        '--for=condition=Ready',
        'restore/messaging-demo-restore',
        '--timeout=180s',
      );
      await eventually(
        async () => {
          await withAmqp(uri, async (c) => {
            const channel = await c.createConfirmChannel();
            channel.publish('events', '', Buffer.from('after restore'));
            await channel.waitForConfirms();
            const message = await channel.get('audit', { noAck: true });
            assert.equal(message && message.content.toString(), 'after restore');
          });
        },
        30_000,
        1000,
      );

      await kubectl('-n', 'demo', 'delete', 'restore', 'messaging-demo-restore', '--timeout=120s');
      await kubectl('-n', 'demo', 'delete', 'backup', 'messaging-demo-backup', '--timeout=120s');
      await kubectl('-n', 'demo', 'delete', 'servicebinding', 'messaging-demo-app', '--timeout=120s');
      await kubectl('-n', 'demo', 'delete', 'messaginginstance', 'messaging-demo', '--timeout=180s');
      await eventually(
        async () => {
          await assert.rejects(connect(uri), /ACCESS_REFUSED|403|ECONNREFUSED/);
        },
        60_000,
        1000,
      );
    } finally {
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    }
  });
});
