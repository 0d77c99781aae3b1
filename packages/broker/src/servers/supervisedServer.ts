import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { Backoff, sleep } from '@klutch/kube';
import type { Logger } from '@klutch/kube';
import type { ServerAccount } from './serverAccount.js';

export interface SupervisedServerSpec {
  /** For logs and messages, e.g. "PostgreSQL". */
  name: string;
  command: string;
  args: string[];
  /** Run as this user (the broker is root); otherwise as the broker's user. */
  account: ServerAccount | undefined;
  /** The signal for a clean, quick shutdown (PostgreSQL: SIGINT, MariaDB: SIGTERM). */
  stopSignal: NodeJS.Signals;
  /** The server's pid file: a server a killed broker left behind is stopped before a new one starts. */
  pidFile: string;
  /** The server writes no pid file of its own (Prometheus), so the supervisor writes it. */
  writePidFile?: boolean;
  /** The server's data directory, to recognise its process in /proc. */
  dataDir: string;
  /** Variables added to the server's otherwise empty environment (PATH and LANG). */
  env?: Record<string, string>;
  /** The server's working directory (default: the broker's). */
  cwd?: string;
  /** Resolves true once the server answers queries. */
  isReady: () => Promise<boolean>;
  /** Runs before every (re)start, e.g. to write a file the server reads at start. */
  beforeLaunch?: () => Promise<void>;
  /** Runs after every (re)start once the server is ready, e.g. to re-apply hardening. */
  onReady?: () => Promise<void>;
  readyTimeoutMs?: number;
  logger: Logger;
}

const logTailLines = 20;

/**
 * One database server process that belongs to the broker. It is started through `setpriv`, which
 * drops to the server account and sets the parent-death signal, so a broker killed with SIGKILL
 * takes its servers down with it (they shut down cleanly, keeping their data). If the server dies
 * while the broker runs, it is restarted with backoff.
 */
export class SupervisedServer {
  private child: ChildProcess | undefined;
  private stopping = false;
  /** Set once the first start succeeded: only then does an exit mean "restart it". */
  private supervising = false;
  private readonly logTail: string[] = [];
  private readonly backoff = new Backoff({ initialMs: 500, maxMs: 30_000, jitter: 0.3 });
  private readonly stopController = new AbortController();
  private restarting: Promise<void> | undefined;

  private constructor(private readonly spec: SupervisedServerSpec) {}

  static async start(spec: SupervisedServerSpec): Promise<SupervisedServer> {
    const server = new SupervisedServer(spec);
    await server.launch();
    server.supervising = true;
    return server;
  }

  /** The server's process id while it runs. */
  get pid(): number | undefined {
    const child = this.child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** True while the server process runs (it may still be starting). */
  get running(): boolean {
    return this.pid !== undefined;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopController.abort();
    await this.restarting?.catch(() => undefined);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(this.spec.stopSignal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
    this.spec.logger.info({ server: this.spec.name }, 'database server stopped');
  }

  private async launch(): Promise<void> {
    await this.stopLeftOver();
    const { spec } = this;
    await spec.beforeLaunch?.();
    const dropPrivileges = spec.account
      ? [`--reuid=${spec.account.uid}`, `--regid=${spec.account.gid}`, '--clear-groups']
      : [];
    const child = spawn(
      'setpriv',
      [...dropPrivileges, `--pdeathsig=${spec.stopSignal}`, '--', spec.command, ...spec.args],
      {
        // Nothing of the broker's environment (its password, say) reaches the server.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...spec.env },
        cwd: spec.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const remember = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.logTail.push(line);
        if (this.logTail.length > logTailLines) this.logTail.shift();
        spec.logger.debug({ server: spec.name, line }, 'database server output');
      }
    };
    child.stdout?.on('data', remember);
    child.stderr?.on('data', remember);
    const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    try {
      // setpriv execs the server, so the child's pid is the server's.
      if (spec.writePidFile && child.pid !== undefined) {
        await writeFile(spec.pidFile, `${child.pid}\n`, { mode: 0o644 });
      }
      await this.waitUntilReady(child, spawnFailed);
    } catch (err) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      throw err;
    }
    spec.logger.info({ server: spec.name, pid: child.pid }, 'database server ready');
  }

  private async waitUntilReady(child: ChildProcess, spawnFailed: Promise<Error>): Promise<void> {
    const { spec } = this;
    const deadline = Date.now() + (spec.readyTimeoutMs ?? 120_000);
    for (;;) {
      const failure = await Promise.race([spawnFailed, sleep(250).then(() => undefined)]);
      if (failure) throw new Error(`cannot run setpriv to start ${spec.name}: ${failure.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${spec.name} exited during start (${child.exitCode ?? child.signalCode}): ${this.lastOutput()}`,
        );
      }
      if (await spec.isReady().catch(() => false)) break;
      if (Date.now() > deadline) {
        throw new Error(`${spec.name} did not become ready in time: ${this.lastOutput()}`);
      }
    }
    await spec.onReady?.();
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || !this.supervising || child !== this.child) return;
    const delay = this.backoff.next();
    this.spec.logger.warn(
      { server: this.spec.name, code, signal, restartInMs: delay, output: this.lastOutput() },
      'database server exited; restarting it',
    );
    this.restarting = (async () => {
      await sleep(delay, this.stopController.signal);
      if (this.stopping) return;
      try {
        await this.launch();
        this.backoff.reset();
      } catch (err) {
        if (this.stopping) return;
        // The failed process's exit handler schedules the next attempt.
        this.spec.logger.error({ server: this.spec.name, err: (err as Error).message }, 'restart failed');
      }
    })();
  }

  private lastOutput(): string {
    return this.logTail.slice(-5).join(' | ') || '(no output)';
  }

  /**
   * A server whose parent died is shutting down, or (if the parent-death signal could not be
   * delivered) still running: either way it holds the data directory. Stop it and wait.
   */
  private async stopLeftOver(): Promise<void> {
    const pid = await pidFromFile(this.spec.pidFile);
    if (pid === undefined || !(await isServerProcess(pid, this.spec.dataDir))) return;
    this.spec.logger.warn(
      { server: this.spec.name, pid },
      'stopping a server left running by an earlier broker',
    );
    try {
      process.kill(pid, this.spec.stopSignal);
    } catch {
      return;
    }
    for (let waited = 0; waited < 60_000; waited += 200) {
      if (!(await isServerProcess(pid, this.spec.dataDir))) return;
      await sleep(200);
    }
    process.kill(pid, 'SIGKILL');
    await sleep(500);
  }
}

async function pidFromFile(path: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path, 'utf8')).split('\n')[0]?.trim());
    return Number.isSafeInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid is alive and is a server on this data directory (pids are reused). */
async function isServerProcess(pid: number, dataDir: string): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(dataDir);
  } catch {
    return false;
  }
}
