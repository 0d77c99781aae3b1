import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { Logger } from '@klutch/kube';
import bcrypt from 'bcryptjs';
import { serverAccountFor } from '../servers/serverAccount.js';
import type { ServerAccount } from '../servers/serverAccount.js';
import {
  assertReachableBy,
  findExecutable,
  loadServerSecrets,
  searchPath,
  serverOwnedDirectory,
  writeServerOwnedFile,
} from '../servers/serverFiles.js';
import type { ServerSecrets } from '../servers/serverFiles.js';
import {
  parseWebConfig,
  prometheusArgs,
  prometheusConfig,
  prometheusLimits,
  prometheusPaths,
  renderWebConfig,
} from '../servers/prometheusFiles.js';
import type { PrometheusMode, PrometheusPaths } from '../servers/prometheusFiles.js';
import { SupervisedServer } from '../servers/supervisedServer.js';
import { runProcess } from './childProcess.js';
import type {
  BindingAccount,
  BindingCredentials,
  DataServiceEngine,
  EngineInstance,
} from './dataServiceEngine.js';

const run = promisify(execFile);

/** The broker's own user on every instance's Prometheus (readiness, the admin API). */
export const prometheusAdminUser = 'klutch_admin';
const bcryptCost = 10;

export interface PrometheusEngineOptions {
  /** The managed-servers directory; instances live in `<dir>/prometheus/`. */
  dir: string;
  /** Host name written into credentials. */
  publicHost: string;
  logger: Logger;
}

interface RunningInstance {
  instanceId: string;
  paths: PrometheusPaths;
  secrets: ServerSecrets;
  planName: string;
  server: SupervisedServer;
}

/**
 * Prometheus instances: one Prometheus server process per instance, on its own loopback port and
 * data directory, supervised by the broker and resumed with its data when the broker starts again.
 * A binding is a basic-auth user (bcrypt hash) in the instance's web configuration, which
 * Prometheus reads on every request, so adding or removing a user needs no restart.
 */
export class PrometheusEngine implements DataServiceEngine {
  readonly kind = 'prometheus' as const;
  private readonly running = new Map<string, RunningInstance>();
  /** Operations on one instance take turns (an update, a backup and a bind may overlap). */
  private readonly turns = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly options: PrometheusEngineOptions,
    private readonly command: string,
    private readonly account: ServerAccount | undefined,
    private readonly baseDir: string,
    readonly serverVersion: string,
  ) {}

  /** Finds the binary and resumes every instance whose directory exists. */
  static async start(options: PrometheusEngineOptions): Promise<PrometheusEngine> {
    const command = await findExecutable('prometheus', searchPath());
    if (!command) throw new Error('prometheus is not installed (Debian package prometheus)');
    const { stdout, stderr } = await run(command, ['--version']);
    const version = /version (\d+\.\d+\.\d+)/.exec(`${stdout}${stderr}`)?.[1] ?? 'unknown';
    const account = await serverAccountFor('prometheus');
    const baseDir = join(options.dir, 'prometheus');
    await mkdir(baseDir, { recursive: true, mode: 0o711 });
    // The server account passes through to its own directory but cannot list the secrets.
    await chmod(baseDir, 0o711);
    if (account) await assertReachableBy(baseDir, account);
    const engine = new PrometheusEngine(options, command, account, baseDir, version);
    for (const entry of await readdir(baseDir)) {
      if (!entry.endsWith('.json')) continue;
      const name = entry.slice(0, -'.json'.length);
      try {
        const state = JSON.parse(await readFile(join(baseDir, entry), 'utf8')) as {
          instanceId?: string;
          planName?: string;
        };
        if (!state.instanceId || !existsSync(join(baseDir, name, 'data'))) continue;
        await engine.startServer(state.instanceId, name, state.planName ?? 'prometheus-single-small');
      } catch (err) {
        // One broken instance must not take the others down: its operations say it is not running.
        options.logger.error(
          { instance: name, err: (err as Error).message },
          'cannot resume a Prometheus server',
        );
      }
    }
    return engine;
  }

  async close(): Promise<void> {
    const servers = [...this.running.values()];
    this.running.clear();
    await Promise.all(servers.map((s) => s.server.stop()));
  }

  ensureInstance(instance: EngineInstance): Promise<void> {
    return this.inTurn(instance, async () => {
      const current = this.running.get(instance.names.database);
      if (current && current.planName === instance.planName) return;
      if (current) await this.stopServer(current);
      await this.startServer(instance.instanceId, instance.names.database, instance.planName);
    });
  }

  removeInstance(instance: EngineInstance): Promise<void> {
    return this.inTurn(instance, async () => {
      const current = this.running.get(instance.names.database);
      if (current) await this.stopServer(current);
      const paths = this.paths(instance);
      await rm(paths.dir, { recursive: true, force: true });
      await rm(paths.secretsFile, { force: true });
    });
  }

  ensureBindingUser(instance: EngineInstance, account: BindingAccount): Promise<void> {
    return this.inTurn(instance, async () => {
      const running = this.require(instance);
      const users = await this.readUsers(running.paths);
      const hash = users[account.username];
      if (hash && (await bcrypt.compare(account.password, hash))) return;
      users[account.username] = await bcrypt.hash(account.password, bcryptCost);
      await this.writeUsers(running.paths, users);
    });
  }

  removeBindingUser(instance: EngineInstance, username: string): Promise<void> {
    return this.inTurn(instance, async () => {
      const paths = this.paths(instance);
      if (!existsSync(paths.webConfig)) return;
      const users = await this.readUsers(paths);
      if (!(username in users) || username === prometheusAdminUser) return;
      delete users[username];
      await this.writeUsers(paths, users);
    });
  }

  credentials(instance: EngineInstance, account: BindingAccount): BindingCredentials {
    const running = this.require(instance);
    const host = this.options.publicHost;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    const port = running.secrets.port;
    const url = `http://${hostPart}:${port}`;
    const auth = `${encodeURIComponent(account.username)}:${encodeURIComponent(account.password)}`;
    return {
      type: 'prometheus',
      host,
      port,
      url,
      uri: `http://${auth}@${hostPart}:${port}`,
      username: account.username,
      password: account.password,
      remote_write_url: `${url}/api/v1/write`,
      // The keys of an a9s Prometheus binding (a JSON list, as the provider reads it).
      prometheus_urls: JSON.stringify([url]),
    };
  }

  /**
   * A TSDB snapshot (the head included) taken through the admin API, streamed as a tar archive.
   * The admin API is on only while the snapshot is taken; tenants are refused meanwhile.
   */
  async dump(
    instance: EngineInstance,
    consume: (dump: Readable) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const snapshotDir = await this.inTurn(instance, async () => {
      const running = this.require(instance);
      await this.stopServer(running);
      let name: string;
      try {
        const admin = await this.launch(running.instanceId, running.paths, running.planName, 'admin');
        try {
          name = await this.snapshot(running.secrets);
        } finally {
          await admin.stop();
        }
      } finally {
        await this.startServer(running.instanceId, instance.names.database, running.planName);
      }
      return join(running.paths.dataDir, 'snapshots', name);
    });
    try {
      await runProcess(
        { command: 'tar', args: ['-C', snapshotDir, '-c', '.'] },
        { consumeStdout: consume, signal },
      );
    } finally {
      await rm(snapshotDir, { recursive: true, force: true });
    }
  }

  /** Replaces the data directory with the snapshot in the archive. */
  restore(instance: EngineInstance, dumpFile: string, signal: AbortSignal): Promise<void> {
    return this.inTurn(instance, async () => {
      const running = this.require(instance);
      const { paths } = running;
      const pending = `${paths.dataDir}.restore`;
      await rm(pending, { recursive: true, force: true });
      await serverOwnedDirectory(pending, this.account);
      const dropPrivileges = this.account
        ? [`--reuid=${this.account.uid}`, `--regid=${this.account.gid}`, '--clear-groups']
        : [];
      // Unpacked as the server account: the files come out owned by it and stay inside its
      // directory. --ignore-zeros makes tar read to the end of its input (it would otherwise stop at
      // the end-of-archive blocks and leave the rest of the record unread: a broken pipe here).
      await runProcess(
        {
          command: 'setpriv',
          args: [
            ...dropPrivileges,
            '--',
            'tar',
            '-x',
            '--ignore-zeros',
            '--no-same-owner',
            '-C',
            pending,
            '-f',
            '-',
          ],
        },
        { stdinFile: dumpFile, signal },
      );
      await this.stopServer(running);
      try {
        await rm(paths.dataDir, { recursive: true, force: true });
        await rename(pending, paths.dataDir);
      } finally {
        await this.startServer(running.instanceId, instance.names.database, running.planName);
      }
    });
  }

  /** The port of an instance's server (tests use it to attack it). */
  portOf(instance: Pick<EngineInstance, 'names'>): number | undefined {
    return this.running.get(instance.names.database)?.secrets.port;
  }

  private paths(instance: Pick<EngineInstance, 'names'>): PrometheusPaths {
    return prometheusPaths(this.baseDir, instance.names.database);
  }

  private require(instance: EngineInstance): RunningInstance {
    const running = this.running.get(instance.names.database);
    if (!running) {
      throw new Error(
        `the Prometheus server of instance ${instance.instanceId} is not running; update the instance to start it again`,
      );
    }
    return running;
  }

  private async startServer(instanceId: string, name: string, planName: string): Promise<void> {
    const paths = prometheusPaths(this.baseDir, name);
    const secrets = await this.prepare(instanceId, paths, planName);
    const server = await this.launch(instanceId, paths, planName, 'serve');
    this.running.set(name, { instanceId, paths, secrets, planName, server });
  }

  private async stopServer(running: RunningInstance): Promise<void> {
    for (const [name, entry] of this.running) if (entry === running) this.running.delete(name);
    await running.server.stop();
  }

  /** Directories, configuration and the admin user's hash; the tenant users stay as they are. */
  private async prepare(
    instanceId: string,
    paths: PrometheusPaths,
    planName: string,
  ): Promise<ServerSecrets> {
    const secrets = await loadServerSecrets(paths.secretsFile);
    await rewriteState(paths.secretsFile, { ...secrets, instanceId, planName });
    await serverOwnedDirectory(paths.dir, this.account);
    await serverOwnedDirectory(paths.dataDir, this.account);
    await writeServerOwnedFile(paths.config, prometheusConfig(instanceId), this.account);
    const users = existsSync(paths.webConfig) ? await this.readUsers(paths) : {};
    const adminHash = users[prometheusAdminUser];
    if (!adminHash || !(await bcrypt.compare(secrets.adminPassword, adminHash))) {
      users[prometheusAdminUser] = await bcrypt.hash(secrets.adminPassword, bcryptCost);
      await this.writeUsers(paths, users);
    }
    await writeServerOwnedFile(
      paths.adminWebConfig,
      renderWebConfig({ [prometheusAdminUser]: users[prometheusAdminUser] ?? '' }),
      this.account,
    );
    return secrets;
  }

  private async launch(
    instanceId: string,
    paths: PrometheusPaths,
    planName: string,
    mode: PrometheusMode,
  ): Promise<SupervisedServer> {
    const secrets = await loadServerSecrets(paths.secretsFile);
    return SupervisedServer.start({
      name: `Prometheus of ${instanceId}`,
      command: this.command,
      args: prometheusArgs(paths, secrets.port, mode, prometheusLimits(planName)),
      account: this.account,
      stopSignal: 'SIGTERM',
      pidFile: paths.pidFile,
      writePidFile: true,
      dataDir: paths.dataDir,
      isReady: () => isReady(secrets),
      logger: this.options.logger,
    });
  }

  private async snapshot(secrets: ServerSecrets): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${secrets.port}/api/v1/admin/tsdb/snapshot`, {
      method: 'POST',
      headers: { authorization: basicAuth(prometheusAdminUser, secrets.adminPassword) },
      signal: AbortSignal.timeout(120_000),
    });
    const body = (await response.json().catch(() => ({}))) as { data?: { name?: unknown }; error?: unknown };
    const name = body.data?.name;
    if (!response.ok || typeof name !== 'string' || !/^[\w-]+$/.test(name)) {
      throw new Error(
        `Prometheus refused the snapshot (${response.status}): ${typeof body.error === 'string' ? body.error : 'no reason given'}`,
      );
    }
    return name;
  }

  private async readUsers(paths: PrometheusPaths): Promise<Record<string, string>> {
    return parseWebConfig(await readFile(paths.webConfig, 'utf8'));
  }

  /** Written to a new file and renamed, so Prometheus never reads half a configuration. */
  private async writeUsers(paths: PrometheusPaths, users: Record<string, string>): Promise<void> {
    const next = `${paths.webConfig}.next`;
    await writeServerOwnedFile(next, renderWebConfig(users), this.account);
    await rename(next, paths.webConfig);
  }

  private inTurn<T>(instance: Pick<EngineInstance, 'names'>, fn: () => Promise<T>): Promise<T> {
    const key = instance.names.database;
    const previous = this.turns.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(fn);
    const settled = result.catch(() => undefined);
    this.turns.set(key, settled);
    void settled.then(() => {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    });
    return result;
  }
}

function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

async function isReady(secrets: ServerSecrets): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${secrets.port}/-/ready`, {
    headers: { authorization: basicAuth(prometheusAdminUser, secrets.adminPassword) },
    signal: AbortSignal.timeout(2000),
  });
  await response.body?.cancel();
  return response.ok;
}

/** The secrets file also records which instance and plan the directory belongs to, for the resume. */
async function rewriteState(
  file: string,
  state: ServerSecrets & { instanceId: string; planName: string },
): Promise<void> {
  await writeFile(`${file}.next`, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(`${file}.next`, file);
}
