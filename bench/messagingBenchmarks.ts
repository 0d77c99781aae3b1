import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
 * The sandbox broker with its own RabbitMQ node: how long the data-service stack takes to start
 * with and without the node (a fresh directory each time), and the provisioning overhead of
 * MessagingInstances (apply → Ready minus the broker's own operation), one after another.
 */
export async function messagingOverhead(count: number): Promise<Measurement[]> {
  const cluster = await startCluster({ name: 'bench-messaging' });
  const client = KubeClient.from({ file: cluster.kubeconfigPath }, { connections: 32 });
  const dir = mkdtempSync(join(tmpdir(), 'klutch-bench-messaging-'));
  chmodSync(dir, 0o711);
  // The servers run as their own system users, which must pass through to their directories.
  for (const name of ['without', 'with']) mkdirSync(join(dir, name), { mode: 0o711 });
  const stackOptions = (name: string, managedRabbitmq: boolean, signal: AbortSignal) => ({
    client,
    logger: silentLogger(),
    signal,
    crdDir: join(findRepoRoot(), 'packages', 'api', 'crds'),
    broker: {
      managedServersDir: join(dir, name, 'servers'),
      managedMariadb: false,
      managedRabbitmq,
      backupDir: join(dir, name, 'backups'),
      username: 'bench',
      password: randomBytes(8).toString('hex'),
      logger: silentLogger(),
    },
    provider: { workers: 10 },
  });
  const measurements: Measurement[] = [];
  try {
    // Start-up cost: the same stack without and with the node.
    const startTimes: Array<[string, number]> = [];
    for (const [name, withNode] of [
      ['without', false],
      ['with', true],
    ] as const) {
      const controllers = new AbortController();
      const t0 = performance.now();
      const stack = await startDataServicesStack(stackOptions(name, withNode, controllers.signal));
      startTimes.push([name, performance.now() - t0]);
      controllers.abort();
      await stack.stopped();
    }
    const without = startTimes[0]?.[1] ?? NaN;
    const withNode = startTimes[1]?.[1] ?? NaN;
    measurements.push({
      name: 'data-service stack start, fresh managed servers, without → with the RabbitMQ node',
      value: withNode,
      unit: 'ms',
      note: `without the node ${without.toFixed(0)} ms; the node boots while PostgreSQL does`,
    });

    // Warm start (the node resumes its data) and the provisioning overhead.
    const controllers = new AbortController();
    const t0 = performance.now();
    const stack = await startDataServicesStack(stackOptions('with', true, controllers.signal));
    measurements.push({
      name: 'data-service stack start with the RabbitMQ node, resuming its data',
      value: performance.now() - t0,
      unit: 'ms',
    });
    const adminUrl = stack.broker.managedServers?.postgres.adminUrl ?? '';
    const stateUrl = new URL(adminUrl);
    stateUrl.pathname = '/klutch_broker';
    const stateDb = new pg.Client({ connectionString: stateUrl.toString() });
    await stateDb.connect();
    const claims = new ResourceClient<Claim>(client, {
      group: 'anynines.com',
      version: 'v1',
      resource: 'messaginginstances',
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
        const name = `bus-${i}`;
        const ready = new Promise<void>((r) => waiters.set(name, r));
        const started = performance.now();
        await claims.create({
          apiVersion: 'anynines.com/v1',
          kind: 'MessagingInstance',
          metadata: { name, namespace: 'bench' },
          spec: { service: 'a9s-messaging310', plan: 'messaging-single-nano' },
        });
        await ready;
        const total = (readyAt.get(name) ?? NaN) - started;
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
      await stateDb.end();
      await cluster.kubectl(
        ['delete', 'messaginginstances', '--all', '-A', '--wait=true', '--timeout=300s'],
        {
          timeoutMs: 320_000,
        },
      );
      controllers.abort();
      await stack.stopped();
    }
    measurements.push(
      {
        name: `apply → Ready, ${count} MessagingInstances one by one (p50 / p99)`,
        value: percentile(totals, 50),
        unit: 'ms',
        note: `p99 ${percentile(totals, 99).toFixed(0)} ms`,
      },
      {
        name: "broker's own provision operation, messaging (p50 / p99)",
        value: percentile(brokerTimes, 50),
        unit: 'ms',
        note: `p99 ${percentile(brokerTimes, 99).toFixed(0)} ms; includes the broker's configured 300 ms start delay`,
      },
      {
        name: 'controller overhead, messaging = apply → Ready − broker operation (p50 / p99)',
        value: percentile(overheads, 50),
        unit: 'ms',
        note: `p99 ${percentile(overheads, 99).toFixed(0)} ms`,
      },
    );
    return measurements;
  } finally {
    await client.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
