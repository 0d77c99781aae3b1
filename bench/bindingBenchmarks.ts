import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Informer, KubeClient, ResourceClient, silentLogger, type KubeObject } from '@klutch/kube';
import {
  bindAppCluster,
  gvr,
  KonnectorProcess,
  prepareControlPlane,
  startTestBackend,
  testGroup,
  waitForBindingReady,
} from '@klutch/konnector/testing';
import { startClusters, type TestCluster } from '@klutch/testenv';
import type { Measurement } from './testbedBenchmarks.js';

interface Widget extends KubeObject {
  spec?: { size?: string };
  status?: { phase?: string };
}

/** The concurrency of the konnector's spec sync (its spec controller runs 2 workers). */
const KONNECTOR_WORKERS = 2;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

function processStats(pid: number): { rssMiB: number; peakMiB: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  const peak = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  // Fields 14 and 15 of /proc/<pid>/stat: user and system time in clock ticks (100 Hz on Linux).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMiB: rss, peakMiB: peak, cpuSeconds: ticks / 100 };
}

async function createAll(
  client: ResourceClient<Widget>,
  namespace: string,
  names: string[],
  concurrency: number,
  createdAt?: Map<string, number>,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < names.length) {
        const name = names[next++] ?? '';
        createdAt?.set(name, performance.now());
        await client.create({
          apiVersion: `${testGroup}/v1`,
          kind: 'Widget',
          metadata: { name, namespace },
          spec: { size: 'one' },
        });
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

/**
 * Creates `count` Secrets the konnector has nothing to do with, sized like Helm release Secrets
 * (random 10-100 KB of incompressible data each), spread over `namespaces`.
 */
async function createUnrelatedSecrets(
  client: KubeClient,
  namespaces: string[],
  count: number,
  concurrency: number,
): Promise<{ seconds: number; megabytes: number }> {
  const secrets = new ResourceClient(client, {
    group: '',
    version: 'v1',
    resource: 'secrets',
    namespaced: true,
  });
  const started = performance.now();
  let bytes = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const size = randomInt(10 * 1024, 100 * 1024 + 1);
        bytes += size;
        await secrets.create({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: `sh.helm.release.v1.app-${i}.v1`,
            namespace: namespaces[i % namespaces.length] ?? 'default',
            labels: { owner: 'helm', name: `app-${i}`, status: 'deployed', version: '1' },
          },
          type: 'helm.sh/release.v1',
          data: { release: randomBytes(size).toString('base64') },
        });
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, megabytes: bytes / 1e6 };
}

/**
 * One control plane, one app cluster bound through the backend, the konnector
 * as a separate process. Measures sync throughput against the API server's own
 * limit, idle latencies both ways, the konnector's footprint, and whether that
 * footprint grows with Secrets the konnector does not sync.
 */
export async function bindingSync(
  sizes: number[],
  idleSamples: number,
  konnectorNodeOptions: string[] = [],
  unrelatedSecrets = 5000,
): Promise<Measurement[]> {
  const [cp, app] = (await startClusters(['bench-cp', 'bench-app'])) as [TestCluster, TestCluster];
  const logDir = mkdtempSync(join(tmpdir(), 'klutch-bench-konnector-'));
  const konnector = new KonnectorProcess({
    kubeconfigPath: app.kubeconfigPath,
    logFile: join(logDir, 'konnector.log'),
    identity: 'bench',
    compiled: true,
    nodeOptions: konnectorNodeOptions,
  });
  await prepareControlPlane(cp);
  const backend = await startTestBackend(cp);
  const results: Measurement[] = [];
  const cpClient = KubeClient.from({ file: cp.kubeconfigPath }, { connections: 32 });
  try {
    const bound = await bindAppCluster(backend, app, 'bench-user#bench1', ['widgets']);
    konnector.start();
    await waitForBindingReady(app, `widgets.${testGroup}`);
    const appWidgets = new ResourceClient<Widget>(bound.app, gvr('widgets'));
    const upWidgets = new ResourceClient<Widget>(cpClient, gvr('widgets'));
    const namespaces = (c: KubeClient) =>
      new ResourceClient(c, { group: '', version: 'v1', resource: 'namespaces', namespaced: false });

    // Watch everything upstream in this consumer's service namespaces.
    const seenUp = new Map<string, number>();
    const upInformer = new Informer<Widget>({ resource: upWidgets, logger: silentLogger() });
    const mark = (w: Widget) => {
      const key = `${w.metadata.namespace}/${w.metadata.name}`;
      if (!seenUp.has(key) && w.spec?.size === 'one') seenUp.set(key, performance.now());
    };
    upInformer.addHandlers({ onAdd: mark, onUpdate: (_o, n) => mark(n) });
    upInformer.start();
    await upInformer.waitForSync();
    const upstreamNs = (consumerNs: string) => `${bound.providerNamespace}-${consumerNs}`;
    const waitAll = async (keys: string[], timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (keys.some((k) => !seenUp.has(k))) {
        if (Date.now() > deadline)
          throw new Error(`only ${keys.filter((k) => seenUp.has(k)).length}/${keys.length} upstream`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    // Idle create → upstream, one object at a time. The very first object of the just-installed
    // API waits for the app cluster's API server to initialize that resource's storage (the
    // create call itself takes ~2 s); it is measured on its own.
    await namespaces(bound.app).create({ metadata: { name: 'idle' } });
    const warmStart = performance.now();
    await createAll(appWidgets, 'idle', ['warmup'], 1);
    await waitAll([`${upstreamNs('idle')}/warmup`], 60_000);
    results.push({
      name: 'first object of the freshly installed API → upstream (includes the API server initializing the new resource, ~2 s inside the create call)',
      value: (seenUp.get(`${upstreamNs('idle')}/warmup`) ?? NaN) - warmStart,
      unit: 'ms',
    });
    const createLatencies: number[] = [];
    for (let i = 0; i < idleSamples; i++) {
      const name = `idle-${i}`;
      const t0 = performance.now();
      await createAll(appWidgets, 'idle', [name], 1);
      const key = `${upstreamNs('idle')}/${name}`;
      await waitAll([key], 60_000);
      createLatencies.push((seenUp.get(key) ?? NaN) - t0);
    }
    results.push({
      name: `idle create → upstream (${idleSamples} objects one by one), p50`,
      value: percentile(createLatencies, 50),
      unit: 'ms',
      note: `p99 ${percentile(createLatencies, 99).toFixed(0)} ms; target p99 ≤ 100 ms`,
    });

    // Idle status round trip: upstream status change → visible downstream.
    const downPhase = new Map<string, { phase: string; at: number }>();
    const downInformer = new Informer<Widget>({
      resource: appWidgets,
      logger: silentLogger(),
      namespace: 'idle',
    });
    const markDown = (w: Widget) => {
      if (w.status?.phase)
        downPhase.set(w.metadata.name ?? '', { phase: w.status.phase, at: performance.now() });
    };
    downInformer.addHandlers({ onAdd: markDown, onUpdate: (_o, n) => markDown(n) });
    downInformer.start();
    await downInformer.waitForSync();
    const statusLatencies: number[] = [];
    for (let i = 0; i < idleSamples; i++) {
      const name = `idle-${i}`;
      const phase = `p${i}`;
      const t0 = performance.now();
      await upWidgets.patch(name, { status: { phase } }, 'merge', {
        namespace: upstreamNs('idle'),
        subresource: 'status',
      });
      const deadline = Date.now() + 30_000;
      while (downPhase.get(name)?.phase !== phase) {
        if (Date.now() > deadline) throw new Error(`status of ${name} never came down`);
        await new Promise((r) => setTimeout(r, 2));
      }
      statusLatencies.push((downPhase.get(name)?.at ?? NaN) - t0);
    }
    await downInformer.stop();
    results.push({
      name: `idle status round trip upstream → downstream (${idleSamples} objects), p50`,
      value: percentile(statusLatencies, 50),
      unit: 'ms',
      note: `p99 ${percentile(statusLatencies, 99).toFixed(0)} ms; target p99 ≤ 100 ms`,
    });

    const pid = konnector.pid;
    if (unrelatedSecrets > 0 && pid !== undefined) {
      // Resident memory with and without Secrets it must not cache: Helm-release-sized ones in
      // the bound namespace 'idle' (where claims are live) and in namespaces without bound objects.
      const appSecrets = new ResourceClient(bound.app, {
        group: '',
        version: 'v1',
        resource: 'secrets',
        namespaced: true,
      });
      const helmNamespaces = ['helm-a', 'helm-b', 'helm-c', 'helm-d'];
      for (const ns of helmNamespaces) await namespaces(bound.app).create({ metadata: { name: ns } });
      await new Promise((r) => setTimeout(r, 15_000));
      const without = processStats(pid);
      const created = await createUnrelatedSecrets(
        bound.app,
        ['idle', ...helmNamespaces],
        unrelatedSecrets,
        8,
      );
      // A claimed Secret created after them reaches the control plane only once the konnector's
      // Secret caches have seen every earlier event (a watch delivers in resourceVersion order).
      await appSecrets.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'consumer-secret', namespace: 'idle' },
        data: { token: Buffer.from('bench').toString('base64') },
      });
      const upSecrets = new ResourceClient(cpClient, {
        group: '',
        version: 'v1',
        resource: 'secrets',
        namespaced: true,
      });
      const deadline = Date.now() + 10 * 60_000;
      while (!(await upSecrets.tryGet('consumer-secret', { namespace: upstreamNs('idle') }))) {
        if (Date.now() > deadline) throw new Error('the claimed Secret never reached the control plane');
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 15_000));
      const withThem = processStats(pid);
      results.push({
        name: `konnector resident memory with ${unrelatedSecrets} unrelated Secrets (${created.megabytes.toFixed(0)} MB, 10-100 KB each) in the app cluster`,
        value: withThem.rssMiB,
        unit: 'MiB',
        note: `without them ${without.rssMiB.toFixed(0)} MiB: ratio ${(withThem.rssMiB / without.rssMiB).toFixed(3)} (target ≤ 1.10); peak so far ${withThem.peakMiB.toFixed(0)} MiB; one fifth in the bound namespace, the rest in 4 others; creating them took ${created.seconds.toFixed(0)} s`,
      });
    }

    for (const n of sizes) {
      // Baseline: the same number of creates straight into the control plane, with the konnector's concurrency.
      const baseNs = `baseline-${n}`;
      await namespaces(cpClient).create({ metadata: { name: baseNs } });
      const baseline = await createAll(
        upWidgets,
        baseNs,
        Array.from({ length: n }, (_, i) => `b-${i}`),
        KONNECTOR_WORKERS,
      );

      const ns = `burst-${n}`;
      await namespaces(bound.app).create({ metadata: { name: ns } });
      const names = Array.from({ length: n }, (_, i) => `w-${i}`);
      const createdAt = new Map<string, number>();
      const t0 = performance.now();
      const createSeconds = await createAll(appWidgets, ns, names, 16, createdAt);
      const keys = names.map((w) => `${upstreamNs(ns)}/${w}`);
      await waitAll(keys, 30 * 60_000);
      const allUpstream = (Math.max(...keys.map((k) => seenUp.get(k) ?? NaN)) - t0) / 1000;
      const perObject = names.map(
        (w) => (seenUp.get(`${upstreamNs(ns)}/${w}`) ?? NaN) - (createdAt.get(w) ?? NaN),
      );
      results.push(
        {
          name: `baseline: ${n} creates directly in the control plane, ${KONNECTOR_WORKERS} in flight`,
          value: baseline,
          unit: 's',
          note: `${(n / baseline).toFixed(0)} objects/s`,
        },
        {
          name: `${n} objects created in the app cluster (16 in flight) → all upstream with the right spec`,
          value: allUpstream,
          unit: 's',
          note: `ratio to baseline ${(allUpstream / baseline).toFixed(2)} (target for 1,000: ≤ 3); creating them took ${createSeconds.toFixed(1)} s; per-object create → upstream p50 ${percentile(perObject, 50).toFixed(0)} ms, p99 ${percentile(perObject, 99).toFixed(0)} ms`,
        },
      );
      if (pid !== undefined) {
        const synced = keys.length + idleSamples + sizes.filter((s) => s < n).reduce((a, b) => a + b, 0);
        const stats = processStats(pid);
        // Right after the burst the heap still holds its garbage; V8 gives memory back once the
        // process is idle for a while, so the steady state is measured too.
        await new Promise((r) => setTimeout(r, 15_000));
        const settled = processStats(pid);
        results.push({
          name: `konnector resident memory with ${synced} synced objects, right after the burst`,
          value: stats.rssMiB,
          unit: 'MiB',
          note: `15 s later ${settled.rssMiB.toFixed(0)} MiB; peak so far ${settled.peakMiB.toFixed(0)} MiB; CPU time used so far ${stats.cpuSeconds.toFixed(1)} s; extra node options: ${konnectorNodeOptions.join(' ') || 'none'}; target ≤ 250 MB at 10,000`,
        });
      }
    }
    await upInformer.stop();
  } finally {
    await konnector.kill();
    await cpClient.close();
    await backend.stop();
    await Promise.all([cp.stop(), app.stop()]);
    rmSync(logDir, { recursive: true, force: true });
  }
  return results;
}
