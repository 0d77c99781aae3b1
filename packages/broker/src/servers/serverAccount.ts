import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The unprivileged operating-system user a managed database server runs as. */
export interface ServerAccount {
  name: string;
  uid: number;
  gid: number;
}

/**
 * `undefined` when the broker is not root: the server then runs as the broker's own user. As root
 * it must not (initdb and postgres refuse to, and a database server should never hold root's
 * powers), so it runs as `name`, which must exist.
 */
export async function serverAccountFor(name: string): Promise<ServerAccount | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error(
      `the broker runs as root, so its database servers run as the system user "${name}", which does not ` +
        `exist; create it (e.g. "useradd --system ${name}") or run the broker as an unprivileged user`,
    );
  }
}

/** Runs a setup program (initdb, mariadb-install-db) as the server account; fails with its output. */
export async function runAsServerAccount(
  account: ServerAccount | undefined,
  command: string,
  args: string[],
): Promise<void> {
  const dropPrivileges = account
    ? [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--']
    : ['--'];
  try {
    await run('setpriv', [...dropPrivileges, command, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    const output = `${e.stderr ?? ''}\n${e.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`${command} failed: ${output || e.message}`, { cause: err });
  }
}
