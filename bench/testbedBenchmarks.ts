import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Informer, KubeClient, ResourceClient, silentLogger, type KubeObject } from '@klutch/kube';
import {
  ensureKclusterBinary,
  findRepoRoot,
  KUBERNETES_VERSION,
  startCluster,
  startClusters,
} from '@klutch/testenv';

const execFileAsync = promisify(execFile);

export interface Measurement {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Compiles hack/kcluster into a scratch file. With `cold`, the Go build cache
 * is a new empty directory (the module cache is kept: downloads are not build time).
 */
export async function buildTime(cold: boolean): Promise<Measurement> {
  const root = findRepoRoot();
  const scratch = mkdtempSync(join(tmpdir(), 'klutch-bench-build-'));
  const env = {
    ...process.env,
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
    GOFLAGS: '-mod=mod',
  } as NodeJS.ProcessEnv;
  if (cold) env.GOCACHE = join(scratch, 'gocache');
  const started = performance.now();
  try {
    await execFileAsync(
      'go',
      ['build', '-trimpath', '-ldflags', '-s -w', '-o', join(scratch, 'kcluster'), '.'],
      {
        cwd: join(root, 'hack', 'kcluster'),
        env,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return {
    name: `${cold ? 'cold' : 'warm'} build of bin/kcluster`,
    value: (performance.now() - started) / 1000,
    unit: 's',
  };
}

/** Time from starting the processes to /readyz answering 200, for one and for two clusters at once. */
export async function readyTimes(runs: number): Promise<Measurement[]> {
  await ensureKclusterBinary();
  const one: number[] = [];
  const two: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const c = await startCluster({ name: `bench-one-${i}` });
    one.push(performance.now() - t);
    await c.stop();
    t = performance.now();
    const cs = await startClusters([`bench-a-${i}`, `bench-b-${i}`]);
    two.push(performance.now() - t);
    await Promise.all(cs.map((x) => x.stop()));
  }
  return [
    {
      name: 'one cluster: start → /readyz (median)',
      value: median(one) / 1000,
      unit: 's',
      note: `${runs} runs: ${one.map((v) => (v / 1000).toFixed(2)).join(', ')}`,
    },
    {
      name: 'two clusters concurrently: start → both /readyz (median)',
      value: median(two) / 1000,
      unit: 's',
      note: `${runs} runs: ${two.map((v) => (v / 1000).toFixed(2)).join(', ')}`,
    },
  ];
}

/** Resident memory of etcd + kube-apiserver + kube-controller-manager after settling. */
export async function clusterMemory(settleMs: number): Promise<Measurement> {
  const c = await startCluster({ name: 'bench-mem' });
  try {
    await new Promise((r) => setTimeout(r, settleMs));
    return {
      name: `resident memory of one idle cluster (after ${settleMs / 1000} s)`,
      value: c.rssBytes() / 2 ** 20,
      unit: 'MiB',
      note: 'etcd + kube-apiserver + kube-controller-manager',
    };
  } finally {
    await c.stop();
  }
}

/** What the informer delivered, checked against the server's own list. */
export interface DeliveryCheck {
  /** Names the API server lists for the burst's label afterwards. */
  listed: number;
  /** Distinct names the informer delivered as adds. */
  delivered: number;
  /** Listed names that never arrived as an add. */
  missing: string[];
  /** Adds for a name that had already been delivered. */
  duplicates: number;
  /** Listed names absent from the informer's cache at the end. */
  notCached: string[];
}

/**
 * A burst of `count` ConfigMap creates (with `concurrency` requests in flight)
 * while an informer watches: the create rate is the API server's own limit,
 * the delivery rate is what the informer achieves. Afterwards the delivered
 * names are compared with an independent list from the API server.
 */
export async function informerThroughput(
  count: number,
  concurrency: number,
): Promise<{ measurements: Measurement[]; delivery: DeliveryCheck }> {
  const c = await startCluster({ name: 'bench-informer' });
  const client = KubeClient.from({ file: c.kubeconfigPath }, { connections: concurrency + 4 });
  try {
    const cms = new ResourceClient<KubeObject>(client, {
      group: '',
      version: 'v1',
      resource: 'configmaps',
      namespaced: true,
    });
    const informer = new Informer<KubeObject>({
      resource: cms,
      logger: silentLogger(),
      namespace: 'default',
      labelSelector: 'bench=burst',
    });
    const seen = new Set<string>();
    let duplicates = 0;
    let lastAt = 0;
    informer.addHandlers({
      onAdd: (o) => {
        const name = o.metadata.name ?? '';
        if (seen.has(name)) duplicates++;
        seen.add(name);
        lastAt = performance.now();
      },
    });
    informer.start();
    await informer.waitForSync();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          await cms.create({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `burst-${i}`, namespace: 'default', labels: { bench: 'burst' } },
            data: { i: String(i) },
          });
        }
      }),
    );
    const createdAt = performance.now();
    // Bounded wait for the last event; whatever has not arrived by then counts as missing.
    const deadline = Date.now() + 120_000;
    while (seen.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const listed = (await cms.listAll({ namespace: 'default', labelSelector: 'bench=burst' })).items.map(
      (o) => o.metadata.name ?? '',
    );
    const cached = new Set(informer.keys());
    await informer.stop();
    const delivery: DeliveryCheck = {
      listed: listed.length,
      delivered: seen.size,
      missing: listed.filter((n) => !seen.has(n)),
      duplicates,
      notCached: listed.filter((n) => !cached.has(`default/${n}`)),
    };
    const createSec = (createdAt - started) / 1000;
    const deliverSec = (lastAt - started) / 1000;
    return {
      delivery,
      measurements: [
        {
          name: `baseline: ${count} creates, ${concurrency} in flight (API server limit)`,
          value: count / createSec,
          unit: 'objects/s',
          note: `${createSec.toFixed(2)} s`,
        },
        {
          name: `informer: ${count} add events delivered`,
          value: delivery.delivered / deliverSec,
          unit: 'events/s',
          note: `${deliverSec.toFixed(2)} s from first create to last event; ${delivery.delivered} of ${delivery.listed} listed names delivered, ${delivery.missing.length} missing, ${duplicates} duplicate adds; delivery/create time ratio ${(deliverSec / createSec).toFixed(3)}`,
        },
      ],
    };
  } finally {
    await client.close();
    await c.stop();
  }
}

export function describeMachine(): string {
  return `Kubernetes ${KUBERNETES_VERSION}, Node ${process.version}`;
}
