import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './freePort.js';
import { ensureKclusterBinary } from './kclusterBinary.js';
import { renderKubeconfig } from './kubeconfigFile.js';
import { ManagedProcess } from './managedProcess.js';
import { registerForReaping } from './processReaper.js';
import { waitForOk } from './readiness.js';
import { markOwned, sweepStaleDirs } from './staleDirSweeper.js';

const execFileAsync = promisify(execFile);

const TEMP_PREFIX = 'klutch-testenv-';

/** The controllers kube-controller-manager runs in the test bed (the ones Klutch relies on). */
export const DEFAULT_CONTROLLERS = [
  'namespace-controller',
  'garbage-collector-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
  'clusterrole-aggregation-controller',
];

export interface ClusterOptions {
  /** Used in directory, kubeconfig cluster and context names. */
  name: string;
  /**
   * Directory for this cluster's PKI, etcd data and logs. When it already holds
   * a cluster (cluster.json), that cluster is started again with its data and
   * ports. Default: a new temporary directory, removed on stop().
   */
  dir?: string;
  /** Keep `dir` on stop() (default: keep only when `dir` was given). */
  keepDir?: boolean;
  /** kcluster binary; default: build or reuse bin/kcluster. */
  binary?: string;
  controllers?: string[];
  /** Run kube-controller-manager (default true). */
  controllerManager?: boolean;
  extraApiServerArgs?: string[];
  /** fsync etcd writes (default false: tests trade durability on machine crash for speed). */
  fsync?: boolean;
  readyTimeoutMs?: number;
  log?: (message: string) => void;
}

interface ClusterState {
  name: string;
  etcdClientPort: number;
  etcdPeerPort: number;
  apiServerPort: number;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * One real Kubernetes control plane: etcd, kube-apiserver and
 * kube-controller-manager as separate processes on loopback ports.
 */
export class TestCluster {
  readonly name: string;
  readonly dir: string;
  readonly kubeconfigPath: string;
  readonly server: string;
  readonly caPem: string;
  readonly adminCertPem: string;
  readonly adminKeyPem: string;
  private readonly state: ClusterState;
  private readonly binary: string;
  private readonly opts: ClusterOptions;
  private readonly ownsDir: boolean;
  private etcd: ManagedProcess | undefined;
  private apiServer: ManagedProcess | undefined;
  private controllerManager: ManagedProcess | undefined;
  private readonly extraApiServers = new Set<ManagedProcess>();
  private unregister: () => void = () => undefined;
  private stopped = false;

  private constructor(
    opts: ClusterOptions,
    binary: string,
    dir: string,
    state: ClusterState,
    ownsDir: boolean,
  ) {
    this.opts = opts;
    this.name = opts.name;
    this.binary = binary;
    this.dir = dir;
    this.state = state;
    this.ownsDir = ownsDir;
    this.server = `https://127.0.0.1:${state.apiServerPort}`;
    this.caPem = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
    this.adminCertPem = readFileSync(join(dir, 'pki', 'admin.crt'), 'utf8');
    this.adminKeyPem = readFileSync(join(dir, 'pki', 'admin.key'), 'utf8');
    this.kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(this.kubeconfigPath, this.kubeconfigFor(this.server), { mode: 0o600 });
  }

  static async start(opts: ClusterOptions): Promise<TestCluster> {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(opts.name)) {
      throw new Error(
        `cluster name ${JSON.stringify(opts.name)} must be a DNS label (lowercase letters, digits, '-')`,
      );
    }
    const binary = opts.binary ?? (await ensureKclusterBinary({ log: opts.log })).path;
    const ownsDir = opts.dir === undefined;
    if (ownsDir) sweepStaleDirs(tmpdir(), TEMP_PREFIX);
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${opts.name}-`));
    if (ownsDir) markOwned(dir);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const stateFile = join(dir, 'cluster.json');
    let state: ClusterState;
    if (existsSync(stateFile)) {
      state = JSON.parse(readFileSync(stateFile, 'utf8')) as ClusterState;
    } else {
      const [etcdClientPort, etcdPeerPort, apiServerPort] = (await freePorts(3)) as [number, number, number];
      state = { name: opts.name, etcdClientPort, etcdPeerPort, apiServerPort };
      await execFileAsync(binary, ['pki', '--dir', join(dir, 'pki'), '--hosts', '127.0.0.1,localhost,::1']);
      writeFileSync(stateFile, JSON.stringify(state, null, 2));
    }
    const cluster = new TestCluster(opts, binary, dir, state, ownsDir);
    cluster.unregister = registerForReaping({
      pids: () => cluster.pids(),
      dirs: () => (cluster.shouldRemoveDir() ? [dir] : []),
    });
    try {
      await cluster.startEtcd();
      await cluster.startApiServer();
      if (opts.controllerManager !== false) cluster.startControllerManager();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  get apiServerPort(): number {
    return this.state.apiServerPort;
  }

  get etcdUrl(): string {
    return `http://127.0.0.1:${this.state.etcdClientPort}`;
  }

  /** Admin (system:masters) kubeconfig text pointing at the given server URL. */
  kubeconfigFor(server: string): string {
    return renderKubeconfig({
      clusterName: this.name,
      server,
      caPem: this.caPem,
      userName: `${this.name}-admin`,
      clientCertPem: this.adminCertPem,
      clientKeyPem: this.adminKeyPem,
    });
  }

  /** A kubeconfig that authenticates with a bearer token only (e.g. a service account's). */
  kubeconfigForToken(token: string, namespace?: string): string {
    return renderKubeconfig({
      clusterName: this.name,
      server: this.server,
      caPem: this.caPem,
      userName: 'token-user',
      token,
      namespace,
    });
  }

  /** The admin kubeconfig as a string (same content as the file). */
  kubeconfig(): string {
    return readFileSync(this.kubeconfigPath, 'utf8');
  }

  private shouldRemoveDir(): boolean {
    return this.opts.keepDir === undefined ? this.ownsDir : !this.opts.keepDir;
  }

  private logPath(component: string): string {
    return join(this.dir, 'logs', `${component}.log`);
  }

  private async startEtcd(): Promise<void> {
    const args = [
      'etcd',
      `--data-dir=${join(this.dir, 'etcd')}`,
      `--listen-client-url=${this.etcdUrl}`,
      `--listen-peer-url=http://127.0.0.1:${this.state.etcdPeerPort}`,
    ];
    if (!this.opts.fsync) args.push('--unsafe-no-fsync');
    const p = new ManagedProcess({ name: 'etcd', command: this.binary, args, logFile: this.logPath('etcd') });
    this.etcd = p;
    await waitForOk(
      { url: `${this.etcdUrl}/health` },
      {
        timeoutMs: this.opts.readyTimeoutMs ?? 60_000,
        what: `etcd of cluster ${this.name}`,
        failFast: () => (p.running ? undefined : p.tail()),
      },
    );
  }

  private apiServerArgs(port: number): string[] {
    const pki = join(this.dir, 'pki');
    return [
      'kube-apiserver',
      `--etcd-servers=${this.etcdUrl}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      '--advertise-address=127.0.0.1',
      '--endpoint-reconciler-type=none',
      `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
      `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
      `--client-ca-file=${join(pki, 'ca.crt')}`,
      '--authorization-mode=RBAC',
      `--service-account-issuer=https://127.0.0.1:${this.state.apiServerPort}`,
      `--service-account-key-file=${join(pki, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      // Less background work on small machines; neither is needed by a test bed.
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      ...(this.opts.extraApiServerArgs ?? []),
    ];
  }

  /** Starts (or restarts) the API server on its port, reusing the etcd data. */
  async startApiServer(): Promise<void> {
    if (this.apiServer?.running) throw new Error(`the API server of cluster ${this.name} is already running`);
    const p = new ManagedProcess({
      name: 'kube-apiserver',
      command: this.binary,
      args: this.apiServerArgs(this.state.apiServerPort),
      logFile: this.logPath('kube-apiserver'),
    });
    this.apiServer = p;
    await waitForOk(
      { url: `${this.server}/readyz`, caPem: this.caPem },
      {
        timeoutMs: this.opts.readyTimeoutMs ?? 90_000,
        what: `kube-apiserver of cluster ${this.name}`,
        failFast: () => (p.running ? undefined : p.tail()),
      },
    );
  }

  /** SIGKILLs the API server (etcd and the data stay). */
  async killApiServer(): Promise<void> {
    await this.apiServer?.kill();
  }

  /**
   * A second API server on its own port over the same etcd: a way to change
   * the cluster while the main API server is down. Returns its kubeconfig.
   */
  async startExtraApiServer(): Promise<{ server: string; kubeconfig: string; stop: () => Promise<void> }> {
    const [port] = (await freePorts(1)) as [number];
    const p = new ManagedProcess({
      name: `kube-apiserver-${port}`,
      command: this.binary,
      args: this.apiServerArgs(port),
      logFile: this.logPath(`kube-apiserver-${port}`),
    });
    this.extraApiServers.add(p);
    const server = `https://127.0.0.1:${port}`;
    const stop = async () => {
      await p.stop();
      this.extraApiServers.delete(p);
    };
    try {
      await waitForOk(
        { url: `${server}/readyz`, caPem: this.caPem },
        {
          timeoutMs: this.opts.readyTimeoutMs ?? 90_000,
          what: `extra kube-apiserver of cluster ${this.name}`,
          failFast: () => (p.running ? undefined : p.tail()),
        },
      );
    } catch (err) {
      await stop();
      throw err;
    }
    return { server, kubeconfig: this.kubeconfigFor(server), stop };
  }

  private startControllerManager(): void {
    const pki = join(this.dir, 'pki');
    const controllers = this.opts.controllers ?? DEFAULT_CONTROLLERS;
    this.controllerManager = new ManagedProcess({
      name: 'kube-controller-manager',
      command: this.binary,
      args: [
        'kube-controller-manager',
        `--kubeconfig=${this.kubeconfigPath}`,
        `--controllers=${controllers.join(',')}`,
        `--service-account-private-key-file=${join(pki, 'sa.key')}`,
        `--root-ca-file=${join(pki, 'ca.crt')}`,
        '--leader-elect=false',
        '--use-service-account-credentials=false',
        '--secure-port=0',
      ],
      logFile: this.logPath('kube-controller-manager'),
    });
  }

  /** PIDs of every running component. */
  pids(): number[] {
    return [this.etcd, this.apiServer, this.controllerManager, ...this.extraApiServers]
      .map((p) => p?.pid)
      .filter((pid): pid is number => pid !== undefined);
  }

  /** Resident memory of all components, from /proc. */
  rssBytes(): number {
    let total = 0;
    for (const pid of this.pids()) {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m?.[1]) total += Number(m[1]) * 1024;
      } catch {
        // process exited meanwhile
      }
    }
    return total;
  }

  /**
   * Runs the installed kubectl against this cluster (as admin unless another
   * kubeconfig file is given); never throws on a non-zero exit.
   */
  kubectl(
    args: string[],
    opts: { input?: string; timeoutMs?: number; kubeconfigPath?: string } = {},
  ): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'kubectl',
        [`--kubeconfig=${opts.kubeconfigPath ?? this.kubeconfigPath}`, ...args],
        { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err && typeof err.code !== 'number') {
            reject(new Error(`kubectl ${args.join(' ')}: ${err.message}`, { cause: err }));
            return;
          }
          resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
        },
      );
      if (opts.input !== undefined) child.stdin?.end(opts.input);
      else child.stdin?.end();
    });
  }

  /** Stops every component (controller-manager, API servers, then etcd) and removes a temporary dir. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.controllerManager?.stop();
    await Promise.all([this.apiServer?.stop(), ...[...this.extraApiServers].map((p) => p.stop())]);
    await this.etcd?.stop();
    if (this.shouldRemoveDir()) rmSync(this.dir, { recursive: true, force: true });
    this.unregister();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

export function startCluster(opts: ClusterOptions): Promise<TestCluster> {
  return TestCluster.start(opts);
}

/**
 * Starts several clusters concurrently; if one fails, the others are stopped.
 * Each entry is a name or a full set of options for that cluster.
 */
export async function startClusters(
  clusters: Array<string | ClusterOptions>,
  common: Omit<ClusterOptions, 'name'> = {},
): Promise<TestCluster[]> {
  // Build once up front, so parallel starts do not queue on the build lock.
  const binary = common.binary ?? (await ensureKclusterBinary({ log: common.log })).path;
  const results = await Promise.allSettled(
    clusters.map((c) =>
      TestCluster.start({ ...common, binary, ...(typeof c === 'string' ? { name: c } : c) }),
    ),
  );
  const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(ok.map((c) => c.stop()));
    throw failed.reason;
  }
  return ok;
}
