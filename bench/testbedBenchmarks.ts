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

/**
 * A burst of `count` ConfigMap creates (with `concurrency` requests in flight)
 * while an informer watches: the create rate is the API server's own limit,
 * the delivery rate is what the informer achieves; none may be lost.
 */
export async function informerThroughput(count: number, concurrency: number): Promise<Measurement[]> {
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
    let lastAt = 0;
    let resolveAll: () => void = () => undefined;
    const all = new Promise<void>((r) => (resolveAll = r));
    informer.addHandlers({
      onAdd: (o) => {
        seen.add(o.metadata.name ?? '');
        lastAt = performance.now();
        if (seen.size === count) resolveAll();
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
    let guard: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        all,
        new Promise((_, reject) => {
          guard = setTimeout(
            () => reject(new Error(`only ${seen.size}/${count} events after 120 s`)),
            120_000,
          );
        }),
      ]);
    } finally {
      clearTimeout(guard);
    }
    await informer.stop();
    const lost = count - seen.size;
    const createSec = (createdAt - started) / 1000;
    const deliverSec = (lastAt - started) / 1000;
    return [
      {
        name: `baseline: ${count} creates, ${concurrency} in flight (API server limit)`,
        value: count / createSec,
        unit: 'objects/s',
        note: `${createSec.toFixed(2)} s`,
      },
      {
        name: `informer: ${count} add events delivered`,
        value: count / deliverSec,
        unit: 'events/s',
        note: `${deliverSec.toFixed(2)} s from first create to last event; lost ${lost}; delivery/create time ratio ${(deliverSec / createSec).toFixed(3)}`,
      },
    ];
  } finally {
    await client.close();
    await c.stop();
  }
}

export function describeMachine(): string {
  return `Kubernetes ${KUBERNETES_VERSION}, Node ${process.version}`;
}
