import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findRepoRoot } from './repoPaths.js';

const execFileAsync = promisify(execFile);

/** The Kubernetes release the test bed is built from; keep in sync with hack/kcluster/go.mod. */
export const KUBERNETES_VERSION = 'v1.35.4';

export interface KclusterBuildOptions {
  repoRoot?: string;
  /** Progress messages (the cold build takes many minutes). */
  log?: (message: string) => void;
}

export interface KclusterBuildResult {
  path: string;
  built: boolean;
  seconds: number;
}

function sourceFingerprint(moduleDir: string, goVersion: string): string {
  const hash = createHash('sha256').update(goVersion).update(KUBERNETES_VERSION);
  const files = readdirSync(moduleDir)
    .filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum')
    .sort();
  for (const f of files) hash.update(f).update(readFileSync(join(moduleDir, f)));
  return hash.digest('hex');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withBuildLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60 * 60 * 1000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock whose owner died (e.g. Ctrl-C during a build) must not block forever.
      let owner: number;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        owner = 0;
      }
      const age = Date.now() - statSync(lockDir).mtimeMs;
      if ((owner > 0 && !pidAlive(owner)) || (owner === 0 && age > 10_000)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for the build lock ${lockDir}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Returns the path of `bin/kcluster`, building it from the upstream Kubernetes
 * modules first when it is missing or its sources (go.mod, go.sum, *.go) or the
 * Go toolchain changed. The Go build cache makes a rebuild after a small change
 * a matter of seconds; a cold build takes many minutes.
 */
export async function ensureKclusterBinary(opts: KclusterBuildOptions = {}): Promise<KclusterBuildResult> {
  const repoRoot = opts.repoRoot ?? findRepoRoot();
  const log = opts.log ?? (() => undefined);
  const moduleDir = join(repoRoot, 'hack', 'kcluster');
  const binDir = join(repoRoot, 'bin');
  const binary = join(binDir, 'kcluster');
  const stampFile = join(binDir, 'kcluster.stamp');
  mkdirSync(binDir, { recursive: true });

  const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
  let goVersion: string;
  try {
    goVersion = (await execFileAsync('go', ['version'], { env })).stdout.trim();
  } catch (err) {
    if (existsSync(binary)) {
      log(`go is not available (${(err as Error).message}); using the existing ${binary}`);
      return { path: binary, built: false, seconds: 0 };
    }
    throw new Error('Go (>= 1.25) is required to build the Kubernetes test bed (hack/kcluster); install Go', {
      cause: err,
    });
  }
  const fingerprint = sourceFingerprint(moduleDir, goVersion);
  const fresh = () =>
    existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === fingerprint;
  if (fresh()) return { path: binary, built: false, seconds: 0 };

  return withBuildLock(join(binDir, '.kcluster.lock'), async () => {
    if (fresh()) return { path: binary, built: false, seconds: 0 };
    const started = Date.now();
    log(
      `building the Kubernetes ${KUBERNETES_VERSION} test bed (hack/kcluster); a cold build takes about 6 minutes on 2 cores`,
    );
    const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
    const ldflags = [
      '-s -w',
      `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
      `-X k8s.io/component-base/version.gitMajor=${major}`,
      `-X k8s.io/component-base/version.gitMinor=${minor}`,
      '-X k8s.io/component-base/version.gitTreeState=clean',
    ].join(' ');
    const tmp = `${binary}.tmp-${process.pid}`;
    try {
      await execFileAsync('go', ['build', '-trimpath', '-ldflags', ldflags, '-o', tmp, '.'], {
        cwd: moduleDir,
        env,
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (err) {
      rmSync(tmp, { force: true });
      const e = err as { stderr?: string; message: string };
      throw new Error(`building hack/kcluster failed:\n${e.stderr ?? e.message}`, { cause: err });
    }
    // Rename is atomic, so a concurrent reader never sees a half-written binary.
    renameSync(tmp, binary);
    writeFileSync(stampFile, fingerprint);
    const seconds = (Date.now() - started) / 1000;
    log(`built bin/kcluster in ${seconds.toFixed(1)}s`);
    return { path: binary, built: true, seconds };
  });
}
