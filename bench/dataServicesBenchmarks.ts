import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startManagedRedis } from '@klutch/broker';
import { Informer, KubeClient, ResourceClient, silentLogger, type KubeObject } from '@klutch/kube';
import { startDataServicesStack, type DataServicesStack } from '@klutch/sandbox';
import { findRepoRoot, startCluster, type TestCluster } from '@klutch/testenv';
import type { Measurement } from './testbedBenchmarks.js';

const ADMIN_PG = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A service whose provisioning overhead is measured: its claim kind and the smallest plan. */
export interface BenchService {
  label: string;
  resource: string;
  kind: string;
  service: string;
  plan: string;
}

export const benchServices: Record<string, BenchService> = {
  postgresql: {
    label: 'PostgreSQL',
    resource: 'postgresqlinstances',
    kind: 'PostgresqlInstance',
    service: 'a9s-postgresql15',
    plan: 'postgresql-single-nano',
  },
  keyvalue: {
    label: 'KeyValue (Redis)',
    resource: 'keyvalueinstances',
    kind: 'KeyvalueInstance',
    service: 'a9s-keyvalue8',
    plan: 'keyvalue-single-nano-ssl',
  },
};

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

/** A control plane with the whole data-service stack, for benchmarks. */
async function withStack<T>(
  fn: (ctx: {
    cluster: TestCluster;
    client: KubeClient;
    stack: DataServicesStack;
    restart: () => Promise<DataServicesStack>;
    stateDb: pg.Client;
  }) => Promise<T>,
): Promise<T> {
  const cluster = await startCluster({ name: 'bench-data' });
  const client = KubeClient.from({ file: cluster.kubeconfigPath }, { connections: 32 });
  const suffix = randomBytes(4).toString('hex');
  const stateDbName = `klutch_bench_${suffix}`;
  const backupDir = mkdtempSync(join(tmpdir(), 'klutch-bench-'));
  // Key-value needs a Redis server that checks passwords: the broker's own, started on its own.
  const redisDir = mkdtempSync(join(tmpdir(), 'klutch-bench-redis-'));
  chmodSync(redisDir, 0o711);
  const redis = await startManagedRedis({ dir: redisDir, logger: silentLogger() });
  let controllers = new AbortController();
  const options = (signal: AbortSignal) => ({
    client,
    logger: silentLogger(),
    signal,
    crdDir: join(findRepoRoot(), 'packages', 'api', 'crds'),
    broker: {
      stateDatabaseUrl: `postgres://postgres@127.0.0.1:5432/${stateDbName}`,
      postgresAdminUrl: ADMIN_PG,
      backupDir,
      username: 'bench',
      password: suffix,
      mariadbAdminUrl: undefined,
      redisAdminUrl: redis.adminUrl,
      logger: silentLogger(),
    },
    provider: { workers: 10 },
  });
  let stack = await startDataServicesStack(options(controllers.signal));
  const stateDb = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${stateDbName}` });
  await stateDb.connect();
  try {
    return await fn({
      cluster,
      client,
      stack,
      stateDb,
      restart: async () => {
        controllers.abort();
        await stack.stopped();
        controllers = new AbortController();
        stack = await startDataServicesStack(options(controllers.signal));
        return stack;
      },
    });
  } finally {
    // Deprovision everything so no database is left behind on the server.
    for (const resource of ['postgresqlinstances', 'keyvalueinstances']) {
      await cluster.kubectl(['delete', resource, '--all', '-A', '--wait=true', '--timeout=600s'], {
        timeoutMs: 650_000,
      });
    }
    controllers.abort();
    await stack.stopped();
    await stateDb.end();
    await client.close();
    await cluster.stop();
    const admin = new pg.Client({ connectionString: ADMIN_PG });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${stateDbName} WITH (FORCE)`);
    await admin.end();
    rmSync(backupDir, { recursive: true, force: true });
    await redis.stop();
    rmSync(redisDir, { recursive: true, force: true });
  }
}

/**
 * Provisioning overhead of our controllers: time from creating a
 * PostgresqlInstance to Ready=True, minus the broker's own provision operation
 * time (its operations table: created → last update). Instances are created
 * one after another so the figure is latency, not queueing.
 */
export async function provisioningOverhead(
  count: number,
  bench: BenchService = benchServices.postgresql as BenchService,
): Promise<Measurement[]> {
  return withStack(async ({ client, stack, stateDb }) => {
    const claims = new ResourceClient<Claim>(client, {
      group: 'anynines.com',
      version: 'v1',
      resource: bench.resource,
      namespaced: true,
    });
    const mrs = new ResourceClient<ManagedInstance>(client, {
      group: 'dataservices.anynines.com',
      version: 'v1',
      resource: 'serviceinstances',
      namespaced: false,
    });
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
    const overheads: number[] = [];
    const brokerTimes: number[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const name = `overhead-${i}`;
        const ready = new Promise<void>((r) => waiters.set(name, r));
        const t0 = performance.now();
        await claims.create({
          apiVersion: 'anynines.com/v1',
          kind: bench.kind,
          metadata: { name, namespace: 'bench' },
          spec: { service: bench.service, plan: bench.plan },
        });
        await ready;
        const total = (readyAt.get(name) ?? NaN) - t0;
        const mr = (
          await mrs.list({
            labelSelector: `crossplane.io/claim-name=${name},crossplane.io/claim-namespace=bench`,
          })
        ).items[0];
        const id = mr?.status?.atProvider?.instanceId;
        const op = await stateDb.query<{ ms: number }>(
          "SELECT EXTRACT(EPOCH FROM (updated_at - created_at)) * 1000 AS ms FROM operations WHERE instance_id = $1 AND kind = 'provision' ORDER BY created_at LIMIT 1",
          [id],
        );
        const broker = Number(op.rows[0]?.ms ?? NaN);
        totals.push(total);
        brokerTimes.push(broker);
        overheads.push(total - broker);
      }
    } finally {
      await informer.stop();
    }
    void stack;
    return [
      {
        name: `apply → Ready, ${count} ${bench.label} instances one by one (p50 / p99)`,
        value: percentile(totals, 50),
        unit: 'ms',
        note: `p99 ${percentile(totals, 99).toFixed(0)} ms`,
      },
      {
        name: `${bench.label}: broker's own provision operation (p50 / p99)`,
        value: percentile(brokerTimes, 50),
        unit: 'ms',
        note: `p99 ${percentile(brokerTimes, 99).toFixed(0)} ms; includes the broker's configured 300 ms start delay`,
      },
      {
        name: `${bench.label}: controller overhead = apply → Ready − broker operation (p50 / p99)`,
        value: percentile(overheads, 50),
        unit: 'ms',
        note: `p99 ${percentile(overheads, 99).toFixed(0)} ms; target p50 ≤ 300 ms`,
      },
    ];
  });
}

/** Time for freshly started controllers to reconcile `count` existing instances (all Ready again, queues drained). */
export async function reconcileAfterRestart(count: number): Promise<Measurement[]> {
  if (count <= 0) return [];
  return withStack(async ({ client, restart }) => {
    const claims = new ResourceClient<Claim>(client, {
      group: 'anynines.com',
      version: 'v1',
      resource: 'postgresqlinstances',
      namespaced: true,
    });
    await new ResourceClient(client, {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      namespaced: false,
    }).create({ metadata: { name: 'bulk' } });
    const createStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < count) {
          const i = next++;
          await claims.create({
            apiVersion: 'anynines.com/v1',
            kind: 'PostgresqlInstance',
            metadata: { name: `bulk-${i}`, namespace: 'bulk' },
            spec: { service: 'a9s-postgresql15', plan: 'postgresql-single-nano' },
          });
        }
      }),
    );
    const allReady = async () => {
      for (;;) {
        const list = await claims.listAll({ namespace: 'bulk' });
        if (list.items.filter(isReady).length === count) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await allReady();
    const provisionAll = (performance.now() - createStart) / 1000;
    const restarted = performance.now();
    const stack = await restart();
    // Fresh controllers reconcile every instance once; done when both queues are empty after that.
    const metricValue = (text: string, re: RegExp) =>
      [...text.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
    for (;;) {
      const p = await stack.provider.metrics.render();
      const c = await stack.composition.metrics.render();
      const providerDone = metricValue(
        p,
        /controller_reconcile_total\{controller="[^"]*serviceinstance[^"]*",result="[^"]+"\} (\d+)/gi,
      );
      const compositionDone = metricValue(
        c,
        /controller_reconcile_total\{controller="[^"]*postgresql[^"]*",result="[^"]+"\} (\d+)/gi,
      );
      const depth = metricValue(p + c, /workqueue_depth\{name="[^"]+"\} (\d+)/g);
      if (providerDone >= count && compositionDone >= count && depth === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const reconcileAll = (performance.now() - restarted) / 1000;
    return [
      {
        name: `provision ${count} instances (16 creates in flight) until all Ready`,
        value: provisionAll,
        unit: 's',
        note: 'real databases on the local PostgreSQL',
      },
      {
        name: `restart provider + composition, until all ${count} instances reconciled`,
        value: reconcileAll,
        unit: 's',
        note: `${(count / reconcileAll).toFixed(0)} instances/s, includes cache sync and broker observation calls`,
      },
    ];
  });
}
