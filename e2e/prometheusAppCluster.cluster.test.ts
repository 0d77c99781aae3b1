// Prometheus as an app developer uses it: the sandbox program (control plane, app cluster, a
// Prometheus server per instance run by the broker), the example manifests applied in the app
// cluster, and a remote-write and query client that uses the credentials Secret the konnector
// copies down.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { instantQuery, remoteWrite, requestStatus, type PrometheusAuth } from '@klutch/broker/testing';
import { eventually, findRepoRoot } from '@klutch/testenv';

const execFileAsync = promisify(execFile);
const repoRoot = findRepoRoot();

/** Whether something accepts TCP connections on host:port. */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(5_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('Prometheus from the app cluster of the sandbox', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'klutch-sandbox-prometheus-'));
  // The broker's servers run as their own system users, which must pass through (only).
  chmodSync(dir, 0o711);
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('instance, binding, remote write and query, backup, change, restore, delete with the examples', async () => {
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
      assert.match(out, /Data services offered: .*prometheus/);
      const kubeconfig = join(dir, 'app', 'kubeconfig');
      const kubectl = (...args: string[]) => execFileAsync('kubectl', ['--kubeconfig', kubeconfig, ...args]);
      const example = (name: string) => join(repoRoot, 'examples', name);
      const waitReady = (...resources: string[]) =>
        kubectl('-n', 'demo', 'wait', '--for=condition=Ready', ...resources, '--timeout=180s');
      await kubectl(
        '-n',
        'klutch-bind',
        'wait',
        '--for=condition=Ready',
        'apiservicebinding/prometheusinstances.anynines.com',
        'apiservicebinding/servicebindings.anynines.com',
        'apiservicebinding/backups.anynines.com',
        'apiservicebinding/restores.anynines.com',
        '--timeout=120s',
      );
      await kubectl('create', 'namespace', 'demo');
      await kubectl('apply', '-f', example('prometheus.yaml'));
      await waitReady('prometheusinstance/prom-demo', 'servicebinding/prom-demo-app');
      const secret = JSON.parse(
        (await kubectl('-n', 'demo', 'get', 'secret', 'prom-demo-app-creds', '-o', 'json')).stdout,
      ) as { data: Record<string, string> };
      const creds = Object.fromEntries(
        Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
      );
      assert.equal(creds.type, 'prometheus');
      assert.ok(creds.url && creds.username && creds.password && creds.host && creds.port);
      assert.equal(creds.remote_write_url, `${creds.url}/api/v1/write`);
      const url = String(creds.url);
      const auth: PrometheusAuth = { username: String(creds.username), password: String(creds.password) };
      const values = async (query: string) => {
        const r = await instantQuery(url, auth, query);
        assert.equal(r.status, 200, r.body);
        return r.values;
      };
      // A snapshot restarts the server for a few seconds; wait until it answers again.
      const serving = () =>
        eventually(
          async () => {
            assert.equal(await requestStatus(`${url}/-/ready`, auth), 200);
          },
          60_000,
          500,
        );

      const write = await remoteWrite(url, auth, [
        { name: 'orders_total', labels: { shop: 'berlin' }, value: 7, timestampMs: Date.now() },
      ]);
      assert.equal(write.status, 204, write.body);
      assert.deepEqual(await values('orders_total'), [7]);
      // A guessed password is refused, for queries and for remote write.
      const guessed: PrometheusAuth = { username: auth.username, password: 'guessed' };
      assert.equal(await requestStatus(`${url}/api/v1/query?query=orders_total`, guessed), 401);
      assert.equal(
        (await remoteWrite(url, guessed, [{ name: 'forged', value: 1, timestampMs: Date.now() }])).status,
        401,
      );
      assert.equal(await requestStatus(`${url}/api/v1/query?query=orders_total`, undefined), 401);

      await kubectl('apply', '-f', example('prometheus-backup.yaml'));
      await waitReady('backup/prom-demo-backup');
      await serving();
      const change = await remoteWrite(url, auth, [
        { name: 'orders_after_backup', value: 1, timestampMs: Date.now() },
      ]);
      assert.equal(change.status, 204, change.body);
      assert.deepEqual(await values('orders_after_backup'), [1]);

      await kubectl('apply', '-f', example('prometheus-restore.yaml'));
      await waitReady('restore/prom-demo-restore');
      await serving();
      assert.deepEqual(await values('orders_total'), [7]);
      assert.deepEqual(await values('orders_after_backup'), []);

      const host = String(creds.host);
      const port = Number(creds.port);
      assert.equal(await listening(host, port), true, 'the instance serves on the port of its credentials');
      await kubectl('-n', 'demo', 'delete', 'restore', 'prom-demo-restore', '--timeout=120s');
      await kubectl('-n', 'demo', 'delete', 'backup', 'prom-demo-backup', '--timeout=120s');
      await kubectl('-n', 'demo', 'delete', 'servicebinding', 'prom-demo-app', '--timeout=120s');
      await kubectl('-n', 'demo', 'delete', 'prometheusinstance', 'prom-demo', '--timeout=180s');
      await eventually(
        async () => {
          assert.equal(await listening(host, port), false);
        },
        60_000,
        500,
      );
      const serversDir = join(dir, 'servers', 'prometheus');
      assert.deepEqual(
        existsSync(serversDir) ? readdirSync(serversDir) : [],
        [],
        'no directory or file of the instance is left',
      );
    } finally {
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    }
  });
});
