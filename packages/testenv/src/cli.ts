#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureKclusterBinary } from './kclusterBinary.js';
import { startClusters, type TestCluster } from './testCluster.js';

const HELP = `klutch-testenv: real Kubernetes clusters on loopback ports, without Docker

Usage:
  klutch-testenv up [--clusters control-plane,app] [--dir DIR]
      Starts the clusters (etcd, kube-apiserver, kube-controller-manager each),
      prints how to reach them with kubectl, and runs until Ctrl-C, then stops
      everything. With --dir, cluster data is kept there and reused next time;
      without it, a temporary directory is used and removed.
  klutch-testenv build
      Builds bin/kcluster if it is missing or out of date.
`;

const log = (m: string) => process.stderr.write(`[testenv] ${m}\n`);

async function up(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { clusters: { type: 'string', default: 'control-plane,app' }, dir: { type: 'string' } },
  });
  const names = (values.clusters ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new Error('--clusters needs at least one name');
  const base = values.dir ? resolve(values.dir) : undefined;
  if (base) for (const n of names) mkdirSync(join(base, n), { recursive: true });
  const started = Date.now();
  const clusters: TestCluster[] = [];
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return; // a second Ctrl-C while stopping changes nothing
    stopping = true;
    log('stopping clusters');
    await Promise.all(clusters.map((c) => c.stop()));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  // Kept data is worth an fsync per write; throwaway clusters are not.
  const specs = names.map((name) =>
    base ? { name, dir: join(base, name), keepDir: true, fsync: true } : name,
  );
  clusters.push(...(await startClusters(specs, { log })));
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  for (const c of clusters) {
    process.stdout.write(
      `\n${c.name}: ${c.server}\n  export KUBECONFIG=${c.kubeconfigPath}\n  kubectl --kubeconfig ${c.kubeconfigPath} get namespaces\n`,
    );
  }
  process.stdout.write('\nPress Ctrl-C to stop.\n');
  // The component processes are unref'd (so tests can exit); this timer is what keeps us running.
  setInterval(() => undefined, 1 << 30);
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  switch (cmd) {
    case 'up':
      await up(rest);
      break;
    case 'build': {
      const r = await ensureKclusterBinary({ log });
      log(r.built ? `built ${r.path} in ${r.seconds.toFixed(1)}s` : `${r.path} is up to date`);
      break;
    }
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(HELP);
      break;
    default:
      process.stderr.write(`unknown command ${JSON.stringify(cmd)}\n\n${HELP}`);
      process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`klutch-testenv: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
