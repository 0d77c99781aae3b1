import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';

const execFileAsync = promisify(execFile);

function startCli(dir: string) {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'cli.ts'),
      'up',
      '--clusters',
      'cli-a,cli-b',
      '--dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (out.includes('Press Ctrl-C to stop.')) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`klutch-testenv up exited early with ${code}`)));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, ready, exited };
}

describe('klutch-testenv up', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'klutch-cli-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the clusters running until Ctrl-C, then stops them; data survives a restart', async () => {
    const first = startCli(dir);
    const out = await first.ready;
    const kubeconfig = join(dir, 'cli-a', 'kubeconfig');
    assert.ok(out.includes(`export KUBECONFIG=${kubeconfig}`));
    // Still serving a while later (the process must not exit on its own).
    await new Promise((r) => setTimeout(r, 3000));
    await execFileAsync('kubectl', [
      '--kubeconfig',
      kubeconfig,
      'create',
      'configmap',
      'kept',
      '--from-literal=k=v',
    ]);
    first.child.kill('SIGINT');
    assert.equal(await first.exited, 0);
    await assert.rejects(
      execFileAsync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'ns', '--request-timeout=2s']),
    );

    const second = startCli(dir);
    try {
      await second.ready;
      const r = await execFileAsync('kubectl', [
        '--kubeconfig',
        kubeconfig,
        'get',
        'configmap',
        'kept',
        '-o',
        'jsonpath={.data.k}',
      ]);
      assert.equal(r.stdout, 'v');
    } finally {
      second.child.kill('SIGINT');
      await second.exited;
    }
  });
});
