// Runs the test suite with node's built-in test runner, in one invocation so
// that there is one summary. Unit tests are `*.test.ts`; tests that start
// real clusters are `*.cluster.test.ts` and need bin/kcluster, which is built
// (or found up to date) first.
//
//   node scripts/run-tests.mjs            all tests
//   node scripts/run-tests.mjs --unit     unit tests only
//   node scripts/run-tests.mjs --cluster  real-cluster tests only
//   node scripts/run-tests.mjs path/to/x.test.ts ...   just these files
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const explicit = args.filter((a) => !a.startsWith('--'));

const all = globSync(['packages/*/src/**/*.test.ts', 'e2e/**/*.test.ts', 'bench/**/*.test.ts'], { cwd: root })
  .filter((f) => !f.includes('node_modules'))
  .sort();
const isCluster = (f) => f.endsWith('.cluster.test.ts');
let files = explicit.length > 0 ? explicit : all;
if (flags.has('--unit')) files = files.filter((f) => !isCluster(f));
if (flags.has('--cluster')) files = files.filter(isCluster);
if (files.length === 0) {
  console.error('no test files selected');
  process.exit(1);
}

const node = process.execPath;
const tsNode = [node, ['--conditions=source', '--import', 'tsx']];
if (files.some(isCluster)) {
  const b = spawnSync(tsNode[0], [...tsNode[1], 'packages/testenv/src/cli.ts', 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

// Unit files first: they fail fast and cheaply.
files.sort((a, b) => Number(isCluster(a)) - Number(isCluster(b)) || a.localeCompare(b));
const reporter = 'spec';
const r = spawnSync(
  tsNode[0],
  [
    ...tsNode[1],
    '--test',
    // Cluster tests start several processes each; one file at a time keeps
    // their timing-sensitive parts (leader election, restarts) predictable on 2 cores.
    '--test-concurrency=1',
    `--test-reporter=${reporter}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' } },
);
process.exit(r.status ?? 1);
