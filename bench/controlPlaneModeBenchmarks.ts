import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  eventually,
  findRepoRoot,
  renderKubeconfig,
  startClusters,
  startDeploymentLocally,
  type LocalDeployment,
  type TestCluster,
} from '@klutch/testenv';
import type { Measurement } from './testbedBenchmarks.js';

// Control-plane mode: what binding 1, 5 and 10 app clusters costs the control plane (backend
// memory and CPU, API-server objects and memory) and what one konnector costs per app cluster.
// The backend runs with the example manifest's arguments, each konnector with its Deployment's
// arguments, as local processes (the test bed has no node yet).

const repoRoot = findRepoRoot();
// The compiled programs, as the images run them (`npx tsc -b` first): the konnector through its
// launcher (4 MiB semi-space), the backend's dist/main.js.
const programFor = (image: string) =>
  join(
    repoRoot,
    image.includes('konnector') ? 'packages/konnector/bin/konnector' : 'packages/backend/dist/main.js',
  );
const podIp = () => `127.${randomInt(100, 250)}.${randomInt(1, 250)}.${randomInt(2, 250)}`;

function processStats(pid: number | undefined): { rssMiB: number; cpuSeconds: number } {
  if (pid === undefined) return { rssMiB: NaN, cpuSeconds: NaN };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssMiB: rss, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

async function kubectl(cluster: TestCluster, args: string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, input !== undefined ? { input } : {});
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Objects of the kinds control-plane mode creates, over the whole control plane. */
const countedKinds = [
  'namespaces',
  'serviceaccounts',
  'secrets',
  'roles.rbac.authorization.k8s.io',
  'rolebindings.rbac.authorization.k8s.io',
  'clusterroles.rbac.authorization.k8s.io',
  'clusterrolebindings.rbac.authorization.k8s.io',
  'deployments.apps',
  'leases.coordination.k8s.io',
  'configmaps',
  'clusterbindings.klutch.anynines.com',
  'apiservicebindings.klutch.anynines.com',
  'apiserviceexports.klutch.anynines.com',
  'apiserviceexportrequests.klutch.anynines.com',
  'apiservicenamespaces.klutch.anynines.com',
];

async function objectCount(cp: TestCluster): Promise<number> {
  const out = await kubectl(cp, ['get', countedKinds.join(','), '-A', '--no-headers', '-o', 'name']);
  return out.split('\n').filter(Boolean).length;
}

export async function controlPlaneModeCost(steps: number[], idleSeconds: number): Promise<Measurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'klutch-bench-cpmode-'));
  // The app clusters start in small batches as the steps need them: eleven at once do not get
  // ready within the test bed's timeout on a busy 2-core machine.
  let cp: TestCluster;
  try {
    [cp] = (await startClusters(['bench-cp'])) as [TestCluster];
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const clusters: TestCluster[] = [cp];
  const apps: TestCluster[] = [];
  const ensureApps = async (n: number) => {
    while (apps.length < n) {
      const batch = Array.from(
        { length: Math.min(3, n - apps.length) },
        (_, i) => `bench-app-${apps.length + i}`,
      );
      const started = await startClusters(batch);
      apps.push(...started);
      clusters.push(...started);
    }
  };
  const konnectors: LocalDeployment[] = [];
  let backend: LocalDeployment | undefined;
  const out: Measurement[] = [];
  try {
    await kubectl(cp, ['apply', '--server-side', '-f', join(repoRoot, 'packages/api/crds')]);
    await kubectl(cp, ['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    await kubectl(
      cp,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'templates' } },
          {
            apiVersion: 'bind.anynines.com/v1alpha1',
            kind: 'APIServiceExportTemplate',
            metadata: { name: 'postgresqlinstances', namespace: 'templates' },
            spec: { APIServiceSelector: { group: 'anynines.com', resource: 'postgresqlinstances' } },
          },
        ],
      }),
    );
    await kubectl(cp, [
      'apply',
      '--server-side',
      '-f',
      join(repoRoot, 'examples/control-plane-mode/example-backend.yaml'),
    ]);
    backend = await startDeploymentLocally(cp, {
      namespace: 'klutch-system',
      name: 'klutch-backend',
      programFor,
      podIp: podIp(),
      logFile: join(dir, 'backend.log'),
    });
    await new Promise((r) => setTimeout(r, 5_000));
    const base = {
      objects: await objectCount(cp),
      backend: processStats(backend.process.pid),
      apiServerMiB: cp.rssBytes() / 2 ** 20,
    };
    let bound = 0;
    for (const n of steps) {
      await ensureApps(n);
      const started = performance.now();
      for (; bound < n; bound++) {
        const app = apps[bound] as TestCluster;
        await kubectl(app, ['create', 'serviceaccount', 'klutch-control-plane', '-n', 'kube-system']);
        await kubectl(app, [
          'create',
          'clusterrolebinding',
          'klutch-control-plane-admin',
          '--clusterrole=cluster-admin',
          '--serviceaccount=kube-system:klutch-control-plane',
        ]);
        const token = (
          await kubectl(app, [
            'create',
            'token',
            'klutch-control-plane',
            '-n',
            'kube-system',
            '--duration=24h',
          ])
        ).trim();
        const kubeconfig = renderKubeconfig({
          clusterName: 'app-cluster',
          server: app.server,
          caPem: app.caPem,
          userName: 'klutch-control-plane',
          token,
        });
        const name = `app-${bound}`;
        await kubectl(
          cp,
          ['apply', '-f', '-'],
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'List',
            items: [
              {
                apiVersion: 'v1',
                kind: 'Secret',
                metadata: { name: `${name}-kubeconfig`, namespace: 'default' },
                stringData: { kubeconfig },
              },
              {
                apiVersion: 'klutch.anynines.com/v1alpha1',
                kind: 'AppClusterBinding',
                metadata: { name, namespace: 'default' },
                spec: {
                  apiExports: [{ group: 'anynines.com', resource: 'postgresqlinstances' }],
                  konnector: { deploy: true },
                  kubeconfigSecretRef: {
                    name: `${name}-kubeconfig`,
                    namespace: 'default',
                    key: 'kubeconfig',
                  },
                },
              },
            ],
          }),
        );
        const rootNs = `klutch-bind-default-${name}`;
        await eventually(
          () => kubectl(cp, ['get', 'deployment', '-n', rootNs, `konnector-${name}`]),
          60_000,
          250,
        );
        konnectors.push(
          await startDeploymentLocally(cp, {
            namespace: rootNs,
            name: `konnector-${name}`,
            programFor,
            podIp: podIp(),
            logFile: join(dir, `konnector-${name}.log`),
          }),
        );
      }
      await eventually(
        async () => {
          const r = await kubectl(cp, ['get', 'appclusterbinding', '-n', 'default', '--no-headers']);
          const notReady = r.split('\n').filter((l) => l && !/\sTrue\s/.test(l));
          if (notReady.length > 0) throw new Error(`not ready: ${notReady.join('; ')}`);
        },
        300_000,
        1_000,
      );
      const readySeconds = (performance.now() - started) / 1000;
      // Idle: the steady-state cost of n bindings (heartbeats, resyncs, access checks).
      await new Promise((r) => setTimeout(r, 10_000));
      const before = processStats(backend.process.pid);
      const konnectorsBefore = konnectors.map((k) => processStats(k.process.pid).cpuSeconds);
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      const after = processStats(backend.process.pid);
      const konnectorStats = konnectors.map((k) => processStats(k.process.pid));
      const objects = await objectCount(cp);
      const apiServerMiB = cp.rssBytes() / 2 ** 20;
      const meanKonnectorMiB = konnectorStats.reduce((a, s) => a + s.rssMiB, 0) / konnectorStats.length;
      const konnectorCpu =
        konnectorStats.reduce((a, s, i) => a + s.cpuSeconds - (konnectorsBefore[i] ?? 0), 0) / idleSeconds;
      const note = `${n} AppClusterBinding(s)`;
      out.push(
        {
          name: `${n} bindings: apply → all READY True`,
          value: readySeconds,
          unit: 's',
          note: `${note}; includes starting the konnector processes`,
        },
        {
          name: `${n} bindings: backend RSS`,
          value: after.rssMiB,
          unit: 'MiB',
          note: `baseline without bindings ${base.backend.rssMiB.toFixed(0)} MiB`,
        },
        {
          name: `${n} bindings: backend CPU, idle`,
          value: ((after.cpuSeconds - before.cpuSeconds) / idleSeconds) * 1000,
          unit: 'mCPU',
          note: `average over ${idleSeconds} s`,
        },
        {
          name: `${n} bindings: control-plane objects`,
          value: objects,
          unit: '',
          note: `${objects - base.objects} more than before the first binding (${((objects - base.objects) / n).toFixed(1)} per binding; kinds: ${countedKinds.length} counted)`,
        },
        {
          name: `${n} bindings: control-plane API server + etcd RSS`,
          value: apiServerMiB,
          unit: 'MiB',
          note: `${(apiServerMiB - base.apiServerMiB).toFixed(0)} MiB more than before the first binding`,
        },
        {
          name: `${n} bindings: konnector RSS, mean per process`,
          value: meanKonnectorMiB,
          unit: 'MiB',
          note: 'one konnector per bound app cluster',
        },
        {
          name: `${n} bindings: konnector CPU, idle, all processes`,
          value: konnectorCpu * 1000,
          unit: 'mCPU',
          note: `average over ${idleSeconds} s`,
        },
      );
      process.stderr.write(`[bench] ${n} bindings measured\n`);
    }
    return out;
  } finally {
    await Promise.allSettled(konnectors.map((k) => k.stop()));
    await backend?.stop();
    await Promise.allSettled(clusters.map((c) => c.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
