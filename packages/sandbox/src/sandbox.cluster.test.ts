// The main job as a user runs it: start the sandbox, apply the example, get
// working credentials, Ctrl-C.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { eventually, findRepoRoot } from '@klutch/testenv';

const execFileAsync = promisify(execFile);
const repoRoot = findRepoRoot();

describe('the sandbox program', { timeout: 480_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'klutch-sandbox-test-'));
  // The broker's database servers run as their own system users, which must pass through (only).
  chmodSync(dir, 0o711);
  after(() => {
    // The broker's own servers (state included) live in the directory and stopped with the sandbox.
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the README walk-through from the bound app cluster and stops on Ctrl-C', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'main.ts'), '--dir', dir],
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
      assert.match(out, /Data services offered: .*postgresql/);
      assert.match(out, /The app cluster is bound/);
      // The developer works in the app cluster; the konnector carries everything to the control plane.
      const kubeconfig = join(dir, 'app', 'kubeconfig');
      const kubectl = (...args: string[]) => execFileAsync('kubectl', ['--kubeconfig', kubeconfig, ...args]);
      await kubectl(
        '-n',
        'klutch-bind',
        'wait',
        '--for=condition=Ready',
        'apiservicebinding/postgresqlinstances.anynines.com',
        'apiservicebinding/servicebindings.anynines.com',
        '--timeout=120s',
      );
      await kubectl('create', 'namespace', 'demo');
      await kubectl('apply', '-f', join(repoRoot, 'examples', 'postgresql.yaml'));
      await kubectl(
        '-n',
        'demo',
        'wait',
        '--for=condition=Ready',
        'servicebinding/pg-demo-app',
        '--timeout=120s',
      );
      const uri = Buffer.from(
        (await kubectl('-n', 'demo', 'get', 'secret', 'pg-demo-app-creds', '-o', 'jsonpath={.data.uri}'))
          .stdout,
        'base64',
      ).toString();
      const db = new pg.Client({ connectionString: uri });
      await db.connect();
      assert.equal((await db.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok, 1);
      await db.end();
      // The sandbox broker runs its own server, which checks passwords.
      const guessed = new URL(uri);
      guessed.password = 'guessed';
      const intruder = new pg.Client({ connectionString: guessed.toString() });
      await assert.rejects(intruder.connect(), { code: '28P01' });
      await intruder.end().catch(() => undefined);
      // The instance lives in the consumer's service namespace of the control plane.
      const upstream = await execFileAsync('kubectl', [
        '--kubeconfig',
        join(dir, 'control-plane', 'kubeconfig'),
        'get',
        'postgresqlinstances',
        '-A',
        '-o',
        'jsonpath={.items[*].metadata.namespace}',
      ]);
      assert.match(upstream.stdout, /^cluster-[a-z0-9]+-demo$/);
      // A privilege that would take over the shared server: the CRD accepts it, the broker refuses
      // it, and the reason reaches the developer's object in the app cluster, condition and Event.
      const refusedManifest = join(dir, 'pg-createrole.yaml');
      writeFileSync(
        refusedManifest,
        `apiVersion: anynines.com/v1
kind: PostgresqlInstance
metadata: { name: pg-createrole, namespace: demo }
spec: { service: a9s-postgresql15, plan: postgresql-single-nano, parameters: { rolePrivileges: [CREATEROLE] } }
`,
      );
      await kubectl('apply', '-f', refusedManifest);
      const refusal = /CREATEROLE is not available on a shared PostgreSQL server/;
      await eventually(
        async () => {
          const { stdout } = await kubectl(
            '-n',
            'demo',
            'get',
            'postgresqlinstance',
            'pg-createrole',
            '-o',
            'jsonpath={.status.conditions[*].message}',
          );
          assert.match(stdout, refusal, 'the broker refusal as a condition in the app cluster');
        },
        120_000,
        1000,
      );
      await eventually(
        async () => {
          const { stdout } = await kubectl(
            '-n',
            'demo',
            'get',
            'events',
            '--field-selector',
            'involvedObject.name=pg-createrole,type=Warning',
            '-o',
            'jsonpath={.items[*].message}',
          );
          assert.match(stdout, refusal, 'the broker refusal as a Warning Event in the app cluster');
        },
        30_000,
        1000,
      );
      await kubectl('-n', 'demo', 'delete', 'postgresqlinstance', 'pg-createrole', '--timeout=120s');
      await kubectl('-n', 'demo', 'delete', 'servicebinding', 'pg-demo-app', '--timeout=120s');
      await kubectl('-n', 'demo', 'delete', 'postgresqlinstance', 'pg-demo', '--timeout=120s');
    } finally {
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    }
  });
});
