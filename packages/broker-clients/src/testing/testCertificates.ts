import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TestCertificates {
  /** The CA that signed the serving certificate. */
  caPem: string;
  /** A serving certificate valid for 127.0.0.1 and localhost. */
  certPem: string;
  keyPem: string;
  /** Removes the temporary directory. */
  cleanup(): void;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'hack', 'kcluster', 'go.mod'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (hack/kcluster/go.mod)');
    dir = parent;
  }
}

/**
 * A fresh CA and serving certificate from the test bed's `kcluster pki` (built first
 * when missing, as the test runner does for cluster tests).
 */
export function generateTestCertificates(): TestCertificates {
  const root = repoRoot();
  const kcluster = resolve(root, 'bin', 'kcluster');
  if (!existsSync(kcluster)) {
    const build = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'packages/testenv/src/cli.ts', 'build'],
      { cwd: root, stdio: 'inherit' },
    );
    if (build.status !== 0) throw new Error('building bin/kcluster for test certificates failed');
  }
  const dir = mkdtempSync(join(tmpdir(), 'broker-clients-pki-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const run = spawnSync(kcluster, ['pki', '--dir', dir, '--hosts', '127.0.0.1,localhost'], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    cleanup();
    throw new Error(`kcluster pki failed: ${run.stderr}`);
  }
  return {
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    certPem: readFileSync(join(dir, 'apiserver.crt'), 'utf8'),
    keyPem: readFileSync(join(dir, 'apiserver.key'), 'utf8'),
    cleanup,
  };
}
