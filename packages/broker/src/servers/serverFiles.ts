import { randomBytes } from 'node:crypto';
import { access, chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { ServerAccount } from './serverAccount.js';

/** What the broker keeps per managed server: the port it listens on and its admin password. */
export interface ServerSecrets {
  port: number;
  adminPassword: string;
}

/**
 * Loads `<file>` or creates it (mode 0600, owned by the broker, never readable by the server
 * account) with a free loopback port and a random password. The port is kept, so a restarted
 * broker resumes its server where the credentials it handed out point.
 */
export async function loadServerSecrets(file: string): Promise<ServerSecrets> {
  try {
    return parseSecrets(await readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const created: ServerSecrets = {
    port: await freeLoopbackPort(),
    adminPassword: randomBytes(24).toString('base64url'),
  };
  try {
    await writeFile(file, `${JSON.stringify(created)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseSecrets(await readFile(file, 'utf8'), file);
}

function parseSecrets(text: string, file: string): ServerSecrets {
  const parsed = JSON.parse(text) as Partial<ServerSecrets>;
  if (
    typeof parsed.port !== 'number' ||
    !Number.isInteger(parsed.port) ||
    typeof parsed.adminPassword !== 'string' ||
    parsed.adminPassword.length < 16
  ) {
    throw new Error(`${file} is damaged (it needs "port" and "adminPassword"); restore it from a backup`);
  }
  return { port: parsed.port, adminPassword: parsed.adminPassword };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A directory only the server account may enter (mode 0700). */
export async function serverOwnedDirectory(path: string, account: ServerAccount | undefined): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
  if (account) await chown(path, account.uid, account.gid);
}

/** A file only the server account may read (mode 0600). */
export async function writeServerOwnedFile(
  path: string,
  content: string,
  account: ServerAccount | undefined,
): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
  if (account) await chown(path, account.uid, account.gid);
}

/** The first directory of `dirs` that holds an executable `name`. */
export async function findExecutable(name: string, dirs: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** The directories of PATH, then the usual places of server binaries that PATH often lacks. */
export function searchPath(): string[] {
  const path = (process.env.PATH ?? '').split(':').filter((d) => d !== '');
  return [...path, '/usr/sbin', '/usr/local/sbin', '/usr/libexec', '/usr/bin'];
}

/**
 * The server account must pass through every parent of its directory. A parent like a mkdtemp
 * directory (mode 0700, owned by root) stops it, and the server would fail with a bare EACCES.
 */
export async function assertReachableBy(path: string, account: ServerAccount): Promise<void> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const info = await stat(dir);
    const searchable =
      info.uid === account.uid
        ? (info.mode & 0o100) !== 0
        : info.gid === account.gid
          ? (info.mode & 0o010) !== 0
          : (info.mode & 0o001) !== 0;
    if (!searchable) {
      throw new Error(
        `the database servers run as the system user "${account.name}", which cannot enter ${dir} ` +
          `(mode ${(info.mode & 0o777).toString(8)}); choose a managed-servers directory whose parents ` +
          `others may pass through (e.g. chmod o+x ${dir})`,
      );
    }
    if (dirname(dir) === dir) return;
  }
}
