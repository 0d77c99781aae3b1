import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ProcessSpec {
  command: string;
  args: string[];
  /** Added to the broker's environment (passwords go here, never into args). */
  env?: Record<string, string>;
}

export interface ProcessIo {
  /** A file fed to the process's standard input. */
  stdinFile?: string;
  /** Receives the process's standard output; must consume it completely. */
  consumeStdout?: (stdout: Readable) => Promise<void>;
  signal: AbortSignal;
}

const stderrLimit = 4096;

/**
 * Runs a client tool (pg_dump, mariadb, ...) and fails with its exit code and the end of its error
 * output, which is what a user needs to see in a failed backup or restore.
 */
export async function runProcess(spec: ProcessSpec, io: ProcessIo): Promise<void> {
  io.signal.throwIfAborted();
  const child = spawn(spec.command, spec.args, {
    env: { ...process.env, ...spec.env },
    stdio: [io.stdinFile ? 'pipe' : 'ignore', io.consumeStdout ? 'pipe' : 'ignore', 'pipe'],
    signal: io.signal,
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-stderrLimit);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const streams: Promise<void>[] = [];
  if (io.stdinFile && child.stdin) streams.push(pipeline(createReadStream(io.stdinFile), child.stdin));
  if (io.consumeStdout && child.stdout) streams.push(io.consumeStdout(child.stdout));
  const [exit, ...piped] = await Promise.allSettled([exited, ...streams]);
  if (exit?.status === 'rejected') {
    const err = exit.reason as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      throw new Error(
        `${spec.command} was not found on the broker's PATH; install the database client tools`,
      );
    }
    if (err.name === 'AbortError') throw err;
    throw new Error(`${spec.command} could not run: ${err.message}`);
  }
  if (exit?.value !== 0) {
    if (io.signal.aborted) throw io.signal.reason;
    const detail = stderr.trim().split('\n').slice(-3).join(' ').trim();
    throw new Error(`${spec.command} exited with code ${String(exit?.value)}${detail ? `: ${detail}` : ''}`);
  }
  for (const p of piped) {
    if (p.status === 'rejected') throw p.reason;
  }
}
