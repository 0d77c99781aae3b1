import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResourceClient } from '@klutch/kube';
import type { KubeObject } from '@klutch/kube';
import { eventually, findRepoRoot } from '@klutch/testenv';
import { startControlPlane } from './testdata/controlPlane.js';
import type { ControlPlane } from './testdata/controlPlane.js';

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string };
}

describe('the klutch-composition program', { timeout: 180_000 }, () => {
  let cp: ControlPlane;
  let program: ChildProcess | undefined;
  let output = '';
  const connectionNamespace = `conn-${randomBytes(3).toString('hex')}`;
  const ns = `apps-${randomBytes(3).toString('hex')}`;

  before(async () => {
    cp = await startControlPlane('composition-main');
    await cp.namespaces.create({ metadata: { name: ns } });
  });

  after(async () => {
    if (program && program.exitCode === null) program.kill('SIGKILL');
    await cp?.stop();
  });

  function healthUrl(): string {
    const line = output.split('\n').find((l) => l.includes('serving /healthz'));
    const url = line ? (JSON.parse(line) as { url?: string }).url : undefined;
    if (!url) throw new Error('the program did not report its health address yet');
    return url;
  }

  it('rejects bad flags with a clear message', async () => {
    const root = findRepoRoot();
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        join(root, 'packages/composition/src/main.ts'),
        '--workers',
        '0',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /--workers must be a whole number from 1 to 64/);
  });

  it('runs with leader election, serves health and metrics, composes claims and stops on SIGTERM', async () => {
    const root = findRepoRoot();
    program = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        join(root, 'packages/composition/src/main.ts'),
        '--kubeconfig',
        cp.cluster.kubeconfigPath,
        '--connection-secret-namespace',
        connectionNamespace,
        '--leader-election',
        '--health-address',
        '127.0.0.1:0',
        '--log-level',
        'info',
        '--workers',
        '1',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } },
    );
    program.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    program.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => program?.on('exit', resolve));

    const url = await eventually(healthUrl, 60_000);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    await eventually(async () => assert.equal((await fetch(`${url}/readyz`)).status, 200), 60_000);
    assert.ok(await cp.namespaces.tryGet(connectionNamespace), 'connection-secret namespace created');

    const leases = new ResourceClient<Lease>(cp.client, {
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      namespaced: true,
    });
    await eventually(async () => {
      const lease = await leases.get('klutch-composition', { namespace: connectionNamespace });
      assert.ok(lease.spec?.holderIdentity, 'the program holds the lease');
    }, 30_000);

    await cp.claims('keyvalueinstances').create({
      apiVersion: 'anynines.com/v1',
      kind: 'KeyvalueInstance',
      metadata: { name: 'cache', namespace: ns },
      spec: {
        service: 'a9s-keyvalue8',
        plan: 'keyvalue-single-small-ssl',
        parameters: { maxmemoryPolicy: 'allkeys-lru' },
      },
    });
    const mr = await eventually(
      () => cp.managed('serviceinstances').get(`keyvalueinstance-${ns}-cache`),
      30_000,
    );
    const spec = mr.spec as { forProvider: { parameters?: unknown }; providerConfigRef: { name: string } };
    assert.deepEqual(spec.forProvider.parameters, { 'maxmemory-policy': 'allkeys-lru' });
    assert.equal(spec.providerConfigRef.name, 'keyvalue-service-broker');

    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /controller_reconcile_total\{controller="KeyvalueInstance",result="success"\}/);
    assert.ok(
      metrics.includes(`leader_election_is_leader{lease="${connectionNamespace}/klutch-composition"} 1`),
    );

    program.kill('SIGTERM');
    assert.equal(await exited, 0);
    const released = await leases.get('klutch-composition', { namespace: connectionNamespace });
    assert.equal(released.spec?.holderIdentity ?? '', '', 'the lease is released on shutdown');
    assert.doesNotMatch(output, /"level":"(error|fatal)"/);
  });
});
