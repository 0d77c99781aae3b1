import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { findRepoRoot } from '@klutch/testenv';

/** The konnector program as a child process, so a test can SIGKILL it. */
export class KonnectorProcess {
  private child: ChildProcess | undefined;

  constructor(
    private readonly opts: {
      kubeconfigPath: string;
      logFile: string;
      identity: string;
      heartbeatInterval?: string;
      /** Run the compiled program through its launcher (bin/konnector, as deployed) instead of the TypeScript sources through tsx. */
      compiled?: boolean;
      /** Extra options for node itself, e.g. a heap limit as a container deployment would set. */
      nodeOptions?: string[];
    },
  ) {}

  start(): void {
    const root = findRepoRoot();
    const log = createWriteStream(this.opts.logFile, { flags: 'a' });
    const args = [
      '--kubeconfig',
      this.opts.kubeconfigPath,
      '--lease-namespace',
      'klutch-bind',
      '--health-address',
      '127.0.0.1:0',
      '--heartbeat-interval',
      this.opts.heartbeatInterval ?? '10s',
      '--log-level',
      process.env.KONNECTOR_TEST_LOG ?? 'info',
    ];
    // The same identity across restarts takes the Lease back at once instead of waiting 15 s.
    const env = { ...process.env, POD_NAME: this.opts.identity };
    const stdio = ['ignore', 'pipe', 'pipe'] as const;
    const child = this.opts.compiled
      ? // The launcher a deployment runs (it execs node, so the pid stays the program's).
        spawn(join(root, 'packages/konnector/bin/konnector'), args, {
          cwd: root,
          env: {
            ...env,
            PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
            KONNECTOR_NODE_OPTIONS: (this.opts.nodeOptions ?? []).join(' '),
          },
          stdio: [...stdio],
        })
      : spawn(
          process.execPath,
          [
            ...(this.opts.nodeOptions ?? []),
            '--conditions=source',
            '--import',
            'tsx',
            join(root, 'packages/konnector/src/main.ts'),
            ...args,
          ],
          { cwd: root, env, stdio: [...stdio] },
        );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
  }

  /** PID of the running konnector (for resource measurements). */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no cleanup, no lease release, in-flight requests cut off. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
