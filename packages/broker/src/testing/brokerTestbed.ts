import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@klutch/kube';
import { Client, escapeIdentifier } from 'pg';
import { planIdFor, serviceIdFor } from '../catalog/stableId.js';
import { MariadbEngine } from '../engines/mariadbEngine.js';
import { PostgresEngine } from '../engines/postgresEngine.js';
import { instanceResourceNames } from '../engines/resourceNames.js';
import { startBroker } from '../startBroker.js';
import type { BrokerOptions } from '../brokerOptions.js';
import type { RunningBroker } from '../startBroker.js';
import { withDatabase } from '../state/stateDatabase.js';
import { TestHttpClient, waitFor } from './testHttpClient.js';
import type { TestResponse } from './testHttpClient.js';

/** What every test broker shares: its own backup directory and credentials, quiet logs. */
async function commonOptions(): Promise<{
  suffix: string;
  options: Pick<BrokerOptions, 'backupDir' | 'username' | 'password' | 'provisionDelayMs' | 'logger'>;
}> {
  const suffix = randomBytes(6).toString('hex');
  const backupDir = await mkdtemp(join(tmpdir(), 'klutch-broker-test-'));
  return {
    suffix,
    options: {
      backupDir,
      username: 'broker',
      password: `pw-${suffix}`,
      provisionDelayMs: 100,
      logger: silentLogger(),
    },
  };
}

export const postgresAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
export const mariadbAdminUrl = 'mysql://root@127.0.0.1:3306';

/**
 * A broker on its own state database and backup directory, plus clients for both APIs. `cleanup`
 * stops it and removes the state database, the directory and every database and user that the
 * tracked instances may have left behind (also when a test failed half-way).
 */
export class BrokerTestbed {
  broker!: RunningBroker;
  osb!: TestHttpClient;
  backupManager!: TestHttpClient;
  private readonly instanceIds = new Set<string>();

  private constructor(readonly options: BrokerOptions) {}

  static async start(overrides: Partial<BrokerOptions> = {}): Promise<BrokerTestbed> {
    const common = await commonOptions();
    return BrokerTestbed.launch({
      stateDatabaseUrl: withDatabase(postgresAdminUrl, `klutch_broker_test_${common.suffix}`),
      postgresAdminUrl,
      mariadbAdminUrl,
      ...common.options,
      ...overrides,
    });
  }

  /**
   * A broker that runs its own password-protected PostgreSQL and MariaDB servers in a fresh
   * directory (the state database lives there too); `cleanup` stops them and removes everything.
   */
  static async startManaged(overrides: Partial<BrokerOptions> = {}): Promise<BrokerTestbed> {
    const common = await commonOptions();
    const managedServersDir = await mkdtemp(join(tmpdir(), 'klutch-broker-servers-'));
    // A RabbitMQ node takes seconds to boot: only the tests that use messaging ask for one.
    return BrokerTestbed.launch({
      managedServersDir,
      managedRabbitmq: false,
      ...common.options,
      ...overrides,
    });
  }

  private static async launch(options: BrokerOptions): Promise<BrokerTestbed> {
    const testbed = new BrokerTestbed(options);
    try {
      await testbed.startBroker();
    } catch (err) {
      await testbed.cleanup();
      throw err;
    }
    return testbed;
  }

  /** Admin connections of the managed servers (tests look behind the tenant's back with them). */
  managedAdminUrls(): { postgresql: string; mariadb: string | undefined; redis: string | undefined } {
    const servers = this.broker.managedServers;
    if (!servers) throw new Error('this testbed runs no managed servers');
    return {
      postgresql: servers.postgres.adminUrl,
      mariadb: servers.mariadb?.adminUrl,
      redis: servers.redis?.adminUrl,
    };
  }

  async startBroker(overrides: Partial<BrokerOptions> = {}): Promise<void> {
    this.broker = await startBroker({ ...this.options, ...overrides });
    const auth = { username: this.options.username, password: this.options.password };
    this.osb = new TestHttpClient(this.broker.osbUrl, auth, { 'x-broker-api-version': '2.17' });
    this.backupManager = new TestHttpClient(this.broker.backupManagerUrl, auth);
  }

  async restart(overrides: Partial<BrokerOptions> = {}): Promise<void> {
    await this.broker.stop();
    await this.startBroker(overrides);
  }

  /** A fresh instance id whose leftovers `cleanup` removes. */
  newInstanceId(): string {
    const id = `test-${randomBytes(8).toString('hex')}`;
    this.instanceIds.add(id);
    return id;
  }

  async cleanup(): Promise<void> {
    await this.broker?.stop().catch(() => undefined);
    if (this.options.managedServersDir) {
      // The servers stopped with the broker; their data goes with the directory.
      await rm(this.options.managedServersDir, { recursive: true, force: true });
      await rm(this.options.backupDir, { recursive: true, force: true });
      return;
    }
    const leftovers = [...this.instanceIds].map((id) => ({
      instanceId: id,
      names: instanceResourceNames(id),
      planName: 'x-small',
      parameters: {},
      bindingUsernames: [],
    }));
    const pg = await PostgresEngine.connect({
      adminUrl: postgresAdminUrl,
      publicHost: '127.0.0.1',
      logger: silentLogger(),
    });
    for (const instance of leftovers) await pg.removeInstance(instance);
    await pg.close();
    if (this.options.mariadbAdminUrl) {
      const maria = await MariadbEngine.connect({
        adminUrl: this.options.mariadbAdminUrl,
        publicHost: '127.0.0.1',
      }).catch(() => undefined);
      for (const instance of leftovers) await maria?.removeInstance(instance);
      await maria?.close();
    }
    const admin = new Client({ connectionString: postgresAdminUrl });
    await admin.connect();
    const stateDb = new URL(this.options.stateDatabaseUrl ?? '').pathname.slice(1);
    await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(stateDb)} WITH (FORCE)`);
    await admin.end();
    await rm(this.options.backupDir, { recursive: true, force: true });
  }
}

export function catalogIds(serviceName: string, planName: string) {
  return { service_id: serviceIdFor(serviceName), plan_id: planIdFor(serviceName, planName) };
}

export function lastOperationState(response: TestResponse): string {
  if (response.status === 410) return 'gone';
  return String((response.body as { state?: unknown }).state);
}

/** Polls last_operation until the operation is no longer in progress; returns the final response. */
export async function waitForOperation(
  osb: TestHttpClient,
  instanceId: string,
  operation: string,
): Promise<TestResponse> {
  return waitFor(
    `operation ${operation} of ${instanceId}`,
    () =>
      osb.get(
        `/v2/service_instances/${instanceId}/last_operation?operation=${encodeURIComponent(operation)}`,
      ),
    (r) => lastOperationState(r) !== 'in progress',
  );
}

/** Provisions and waits; fails unless the operation succeeded. */
export async function provisionInstance(
  osb: TestHttpClient,
  instanceId: string,
  serviceName: string,
  planName: string,
  parameters: Record<string, unknown> = {},
): Promise<void> {
  const put = await osb.put(`/v2/service_instances/${instanceId}?accepts_incomplete=true`, {
    ...catalogIds(serviceName, planName),
    organization_guid: 'org',
    space_guid: 'space',
    parameters,
  });
  if (put.status !== 202) throw new Error(`provision answered ${put.status}: ${JSON.stringify(put.body)}`);
  const done = await waitForOperation(osb, instanceId, String((put.body as { operation: string }).operation));
  if (lastOperationState(done) !== 'succeeded')
    throw new Error(`provision ended with ${JSON.stringify(done.body)}`);
}

/** Deprovisions and waits until the broker answers 410 Gone. */
export async function deprovisionInstance(
  osb: TestHttpClient,
  instanceId: string,
  serviceName: string,
  planName: string,
): Promise<void> {
  const ids = catalogIds(serviceName, planName);
  const del = await osb.delete(
    `/v2/service_instances/${instanceId}?accepts_incomplete=true&service_id=${ids.service_id}&plan_id=${ids.plan_id}`,
  );
  if (del.status !== 202) throw new Error(`deprovision answered ${del.status}: ${JSON.stringify(del.body)}`);
  const done = await waitForOperation(osb, instanceId, String((del.body as { operation: string }).operation));
  if (lastOperationState(done) !== 'gone')
    throw new Error(`deprovision ended with ${JSON.stringify(done.body)}`);
}

export async function waitForJob(
  backupManager: TestHttpClient,
  path: string,
): Promise<{ status: string; [key: string]: unknown }> {
  const final = await waitFor(
    path,
    () => backupManager.get(path),
    (r) =>
      r.status !== 200 || !['queued', 'running'].includes(String((r.body as { status?: unknown }).status)),
  );
  if (final.status !== 200)
    throw new Error(`${path} answered ${final.status}: ${JSON.stringify(final.body)}`);
  return final.body as { status: string };
}
