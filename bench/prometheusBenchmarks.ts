import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Informer, KubeClient, ResourceClient, silentLogger, type KubeObject } from '@klutch/kube';
import { startDataServicesStack } from '@klutch/sandbox';
import { findRepoRoot, startCluster } from '@klutch/testenv';
import type { Measurement } from './testbedBenchmarks.js';

interface Claim extends KubeObject {
  status?: { conditions?: Array<{ type: string; status: string }> };
}
interface ManagedInstance extends KubeObject {
  status?: { atProvider?: { instanceId?: string } };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const isReady = (c: Claim) =>
  c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

/**
 * PrometheusInstances one by one on a stack with the broker's managed servers: apply → Ready, the
 * broker's own provision operation (which starts a Prometheus server), the controllers' overhead,
 * and the memory of each idle server.
 */
export async function prometheusProvisioning(count: number): Promise<Measurement[]> {
  const cluster = await startCluster({ name: 'bench-prometheus' });
  const client = KubeClient.from({ file: cluster.kubeconfigPath });
  const workDir = mkdtempSync(join(tmpdir(), 'klutch-bench-prometheus-'));
  // The server accounts must pass through to their directories.
  chmodSync(workDir, 0o711);
  const serversDir = join(workDir, 'servers');
  const controllers = new AbortController();
  const password = randomBytes(8).toString('hex');
  const stack = await startDataServicesStack({
    client,
    logger: silentLogger(),
    signal: controllers.signal,
    crdDir: join(findRepoRoot(), 'packages', 'api', 'crds'),
    broker: {
      managedServersDir: serversDir,
      managedMariadb: false,
      backupDir: join(workDir, 'backups'),
      username: 'bench',
      password,
      logger: silentLogger(),
    },
    provider: { workers: 10 },
  });
  const adminUrl = new URL(stack.broker.managedServers?.postgres.adminUrl ?? '');
  adminUrl.pathname = '/klutch_broker';
  const stateDb = new pg.Client({ connectionString: adminUrl.toString() });
  await stateDb.connect();
  const claims = new ResourceClient<Claim>(client, {
    group: 'anynines.com',
    version: 'v1',
    resource: 'prometheusinstances',
    namespaced: true,
  });
  const mrs = new ResourceClient<ManagedInstance>(client, {
    group: 'dataservices.anynines.com',
    version: 'v1',
    resource: 'serviceinstances',
    namespaced: false,
  });
  try {
    await new ResourceClient(client, {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      namespaced: false,
    }).create({ metadata: { name: 'bench' } });
    const readyAt = new Map<string, number>();
    const waiters = new Map<string, () => void>();
    const informer = new Informer<Claim>({ resource: claims, logger: silentLogger(), namespace: 'bench' });
    const seen = (c: Claim) => {
      const name = c.metadata.name ?? '';
      if (isReady(c) && !readyAt.has(name)) {
        readyAt.set(name, performance.now());
        waiters.get(name)?.();
      }
    };
    informer.addHandlers({ onAdd: seen, onUpdate: (_o, n) => seen(n) });
    informer.start();
    await informer.waitForSync();
    const totals: number[] = [];
    const brokerTimes: number[] = [];
    const overheads: number[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const name = `prom-${i}`;
        const ready = new Promise<void>((r) => waiters.set(name, r));
        const t0 = performance.now();
        await claims.create({
          apiVersion: 'anynines.com/v1',
          kind: 'PrometheusInstance',
          metadata: { name, namespace: 'bench' },
          spec: { service: 'a9s-prometheus', plan: 'prometheus-single-small' },
        });
        await ready;
        const total = (readyAt.get(name) ?? NaN) - t0;
        const mr = (
          await mrs.list({
            labelSelector: `crossplane.io/claim-name=${name},crossplane.io/claim-namespace=bench`,
          })
        ).items[0];
        const op = await stateDb.query<{ ms: number }>(
          "SELECT EXTRACT(EPOCH FROM (updated_at - created_at)) * 1000 AS ms FROM operations WHERE instance_id = $1 AND kind = 'provision' ORDER BY created_at LIMIT 1",
          [mr?.status?.atProvider?.instanceId],
        );
        const broker = Number(op.rows[0]?.ms ?? NaN);
        totals.push(total);
        brokerTimes.push(broker);
        overheads.push(total - broker);
      }
    } finally {
      await informer.stop();
    }
    const firstId = (await mrs.list({ labelSelector: 'crossplane.io/claim-name=prom-0' })).items[0]?.status
      ?.atProvider?.instanceId;
    const jobs = await backupAndRestore(
      stack.broker.backupManagerUrl,
      'bench',
      password,
      String(firstId),
      serversDir,
    );
    const prometheusDir = join(serversDir, 'prometheus');
    const rss = readdirSync(prometheusDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => {
        const pid = readFileSync(join(prometheusDir, e.name, 'prometheus.pid'), 'utf8').trim();
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
      });
    return [
      {
        name: `apply → Ready, ${count} PrometheusInstances one by one (p50 / p99)`,
        value: percentile(totals, 50),
        unit: 'ms',
        note: `p99 ${percentile(totals, 99).toFixed(0)} ms`,
      },
      {
        name: "broker's own provision operation, which starts the Prometheus server (p50 / p99)",
        value: percentile(brokerTimes, 50),
        unit: 'ms',
        note: `p99 ${percentile(brokerTimes, 99).toFixed(0)} ms; includes the broker's 300 ms start delay`,
      },
      {
        name: 'controller overhead = apply → Ready − broker operation (p50 / p99)',
        value: percentile(overheads, 50),
        unit: 'ms',
        note: `p99 ${percentile(overheads, 99).toFixed(0)} ms`,
      },
      {
        name: 'memory of an idle Prometheus server (RSS, p50 / max)',
        value: percentile(rss, 50),
        unit: 'MiB',
        note: `max ${Math.max(...rss).toFixed(0)} MiB over ${rss.length} servers`,
      },
      ...jobs,
    ];
  } finally {
    await cluster.kubectl(['delete', 'prometheusinstances', '--all', '-A', '--wait=true', '--timeout=300s'], {
      timeoutMs: 350_000,
    });
    await stateDb.end();
    controllers.abort();
    await stack.stopped();
    await client.close();
    await cluster.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** How long a backup and a restore of an (almost empty) instance take, and how long its server is unreachable meanwhile. */
async function backupAndRestore(
  backupManagerUrl: string,
  username: string,
  password: string,
  instanceId: string,
  serversDir: string,
): Promise<Measurement[]> {
  const auth = { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
  const { createHash } = await import('node:crypto');
  const name = `klutch_${createHash('sha256').update(`instance/${instanceId}`, 'utf8').digest('hex').slice(0, 20)}`;
  const secrets = JSON.parse(readFileSync(join(serversDir, 'prometheus', `${name}.json`), 'utf8')) as {
    port: number;
    adminPassword: string;
  };
  const serverAuth = {
    authorization: `Basic ${Buffer.from(`klutch_admin:${secrets.adminPassword}`).toString('base64')}`,
  };
  const job = async (path: string, statusPath: (id: number) => string) => {
    let longestDown = 0;
    let downSince: number | undefined;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const ok = await fetch(`http://127.0.0.1:${secrets.port}/-/ready`, { headers: serverAuth }).then(
          (r) => r.ok,
          () => false,
        );
        const now = performance.now();
        if (!ok) downSince ??= now;
        else if (downSince !== undefined) {
          longestDown = Math.max(longestDown, now - downSince);
          downSince = undefined;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const t0 = performance.now();
    const created = await fetch(`${backupManagerUrl}${path}`, { method: 'POST', headers: auth });
    const id = ((await created.json()) as { id: number }).id;
    for (;;) {
      const r = (await (await fetch(`${backupManagerUrl}${statusPath(id)}`, { headers: auth })).json()) as {
        status: string;
      };
      if (r.status === 'done') break;
      if (r.status !== 'queued' && r.status !== 'running') throw new Error(`${path}: ${JSON.stringify(r)}`);
      await new Promise((r2) => setTimeout(r2, 50));
    }
    const elapsed = performance.now() - t0;
    // Until the server answers again.
    while (downSince !== undefined) await new Promise((r) => setTimeout(r, 20));
    polling = false;
    await poller;
    return { id, elapsed, longestDown };
  };
  const backup = await job(
    `/instances/${instanceId}/backups`,
    (id) => `/instances/${instanceId}/backups/${id}`,
  );
  const restore = await job(
    `/instances/${instanceId}/backups/${backup.id}/restore`,
    (id) => `/instances/${instanceId}/restores/${id}`,
  );
  return [
    {
      name: 'backup of an instance (job: queued → done)',
      value: backup.elapsed,
      unit: 'ms',
      note: `its server is unreachable for ${backup.longestDown.toFixed(0)} ms (admin-API restart window)`,
    },
    {
      name: 'restore of that backup (job: queued → done)',
      value: restore.elapsed,
      unit: 'ms',
      note: `its server is unreachable for ${restore.longestDown.toFixed(0)} ms`,
    },
  ];
}
