import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startCluster } from './testCluster.js';

interface Held {
  pids: number[];
  dir: string;
  child: ReturnType<typeof spawn>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function holdCluster(mode: 'wait' | 'crash'): Promise<Held> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'testdata', 'holdCluster.ts'), mode],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`fixture exited early (${code}): ${err}`)));
  });
  const info = JSON.parse(line) as { pids: number[]; dir: string };
  assert.equal(info.pids.length, 3);
  for (const pid of info.pids) assert.ok(alive(pid));
  return { ...info, child };
}

async function eventually(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('cleanup of cluster processes and directories', { timeout: 120_000 }, () => {
  it('on Ctrl-C (SIGINT) of the process that started the cluster', async () => {
    const h = await holdCluster('wait');
    h.child.kill('SIGINT');
    await eventually('components gone', () => h.pids.every((p) => !alive(p)));
    await eventually('temporary directory removed', () => !existsSync(h.dir));
  });

  it('on an uncaught error in the process that started the cluster', async () => {
    const h = await holdCluster('crash');
    await eventually('components gone', () => h.pids.every((p) => !alive(p)));
    await eventually('temporary directory removed', () => !existsSync(h.dir));
  });

  it('on SIGKILL of that process (the components watch their parent)', async () => {
    const h = await holdCluster('wait');
    h.child.kill('SIGKILL');
    // No handler runs on SIGKILL; each component notices its parent is gone and stops itself.
    await eventually('components gone', () => h.pids.every((p) => !alive(p)), 30_000);
    // The next start removes the directory its dead owner left behind.
    assert.ok(existsSync(h.dir));
    const next = await startCluster({ name: 'sweeper' });
    await next.stop();
    assert.equal(existsSync(h.dir), false);
  });
});
