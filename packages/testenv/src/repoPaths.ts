import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Finds the repository root by walking up to the directory holding `hack/kcluster/go.mod`. */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'hack', 'kcluster', 'go.mod'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find the repository root (hack/kcluster/go.mod) above ${start}`);
    }
    dir = parent;
  }
}
