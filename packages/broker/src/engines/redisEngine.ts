import { createReadStream } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { resolveDatabaseTimeouts } from './databaseTimeouts.js';
import type { DatabaseTimeouts } from './databaseTimeouts.js';
import type {
  BindingAccount,
  BindingCredentials,
  DataServiceEngine,
  EngineInstance,
} from './dataServiceEngine.js';
import { bindingAclRules, keyPrefix, keyPrefixProblem, sha256 } from './redisAcl.js';

export interface RedisEngineOptions {
  /** An admin connection, e.g. redis://klutch_admin:secret@127.0.0.1:6380; the user needs every command. */
  adminUrl: string;
  /** Host name written into credentials. */
  publicHost: string;
  /** Connect and command timeouts of the admin connection (defaults: brokerDefaults). */
  timeouts?: Partial<DatabaseTimeouts>;
}

/** The first line of a key-value dump; every further line is one key. */
interface DumpHeader {
  format: 'klutch-keyvalue-dump';
  version: 1;
}

/** One key: its name after the instance's prefix, its DUMP payload and its expiry (unix ms, or -1). */
interface DumpEntry {
  key: string;
  value: string;
  expiresAt: number;
}

const dumpHeader: DumpHeader = { format: 'klutch-keyvalue-dump', version: 1 };
const scanCount = 500;
const batchSize = 200;

/**
 * Key-value instances on a shared Redis server: an instance is the key (and channel) namespace
 * `<instance-id>:`, a binding an ACL user confined to it. Users are saved to the server's ACL
 * file after every change, so a restarted server still knows them.
 */
export class RedisEngine implements DataServiceEngine {
  readonly kind = 'keyvalue' as const;

  private constructor(
    private readonly options: RedisEngineOptions,
    private readonly admin: Redis,
    private readonly port: number,
    readonly serverVersion: string,
  ) {}

  static async connect(options: RedisEngineOptions): Promise<RedisEngine> {
    const timeouts = resolveDatabaseTimeouts(options.timeouts);
    const url = new URL(options.adminUrl);
    if (url.protocol !== 'redis:') throw new Error('the Redis admin URL must start with redis://');
    const port = Number(url.port || 6379);
    const admin = new Redis(options.adminUrl, {
      connectTimeout: timeouts.connectMs > 0 ? timeouts.connectMs : undefined,
      commandTimeout: timeouts.statementMs > 0 ? timeouts.statementMs : undefined,
      lazyConnect: true,
      // A command fails (and its operation is retried) rather than waiting for a server that is gone.
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
    });
    admin.on('error', () => undefined);
    try {
      await admin.connect();
      await assertEnforcesAuthentication(url, timeouts.connectMs > 0 ? timeouts.connectMs : 10_000);
      const info = await admin.info('server');
      const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
      return new RedisEngine(options, admin, port, version);
    } catch (err) {
      admin.disconnect();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.admin.quit().catch(() => this.admin.disconnect());
  }

  async ensureInstance(instance: EngineInstance): Promise<void> {
    const problem = keyPrefixProblem(instance.instanceId);
    if (problem) throw new Error(problem);
    // Rules of existing users follow this broker's (a newer broker may have tightened them); the
    // password stays, by its hash.
    for (const username of instance.bindingUsernames) {
      const hashes = await this.passwordHashes(username);
      if (hashes === undefined) continue;
      await this.admin.call('ACL', 'SETUSER', username, ...bindingAclRules(instance.instanceId, hashes));
    }
    if (instance.bindingUsernames.length > 0) await this.saveUsers();
  }

  async removeInstance(instance: EngineInstance): Promise<void> {
    const users = (await this.admin.call('ACL', 'USERS')) as string[];
    const usernames = new Set([
      ...users.filter((u) => u.startsWith(instance.names.bindingUserPrefix)),
      ...instance.bindingUsernames,
    ]);
    // ACL DELUSER also ends the user's connections.
    if (usernames.size > 0) await this.admin.call('ACL', 'DELUSER', ...usernames);
    await this.saveUsers();
    if (keyPrefixProblem(instance.instanceId) === undefined) await this.deleteKeys(instance.instanceId);
  }

  async ensureBindingUser(instance: EngineInstance, account: BindingAccount): Promise<void> {
    await this.admin.call(
      'ACL',
      'SETUSER',
      account.username,
      ...bindingAclRules(instance.instanceId, [sha256(account.password)]),
    );
    await this.saveUsers();
  }

  async removeBindingUser(_instance: EngineInstance, username: string): Promise<void> {
    await this.admin.call('ACL', 'DELUSER', username);
    await this.saveUsers();
  }

  credentials(instance: EngineInstance, account: BindingAccount): BindingCredentials {
    const host = this.options.publicHost;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    return {
      type: 'redis',
      host,
      port: this.port,
      username: account.username,
      password: account.password,
      uri: `redis://${encodeURIComponent(account.username)}:${encodeURIComponent(account.password)}@${hostPart}:${this.port}`,
      key_prefix: keyPrefix(instance.instanceId),
    };
  }

  async dump(
    instance: EngineInstance,
    consume: (dump: Readable) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const prefix = keyPrefix(instance.instanceId);
    await consume(Readable.from(this.dumpLines(prefix, signal)));
  }

  /** Replaces the instance's keys with the dump's: keys written since the backup go, the backup's come back. */
  async restore(instance: EngineInstance, dumpFile: string, signal: AbortSignal): Promise<void> {
    const prefix = keyPrefix(instance.instanceId);
    const lines = createInterface({ input: createReadStream(dumpFile, 'utf8'), crlfDelay: Infinity });
    let header: DumpHeader | undefined;
    let batch: DumpEntry[] = [];
    const now = Date.now();
    for await (const line of lines) {
      signal.throwIfAborted();
      if (line === '') continue;
      if (!header) {
        header = parseHeader(line);
        await this.deleteKeys(instance.instanceId);
        continue;
      }
      const entry = JSON.parse(line) as DumpEntry;
      // A key whose expiry passed since the backup is gone, as it would be had it stayed.
      if (entry.expiresAt !== -1 && entry.expiresAt <= now) continue;
      batch.push(entry);
      if (batch.length >= batchSize) {
        await this.restoreBatch(prefix, batch);
        batch = [];
      }
    }
    if (!header) throw new Error('the backup is empty: it is not a key-value dump');
    await this.restoreBatch(prefix, batch);
  }

  private async *dumpLines(prefix: string, signal: AbortSignal): AsyncGenerator<string> {
    yield `${JSON.stringify(dumpHeader)}\n`;
    for await (const keys of this.scanKeys(prefix)) {
      signal.throwIfAborted();
      const pipeline = this.admin.pipeline();
      for (const key of keys) {
        pipeline.dumpBuffer(key);
        pipeline.pexpiretime(key);
      }
      const results = (await pipeline.exec()) ?? [];
      for (const [i, key] of keys.entries()) {
        const [dumpErr, value] = results[2 * i] ?? [];
        const [ttlErr, expiresAt] = results[2 * i + 1] ?? [];
        if (dumpErr) throw dumpErr;
        if (ttlErr) throw ttlErr;
        // Deleted or expired between SCAN and DUMP.
        if (value === null || value === undefined) continue;
        const entry: DumpEntry = {
          key: key.slice(prefix.length),
          value: (value as Buffer).toString('base64'),
          expiresAt: Number(expiresAt) >= 0 ? Number(expiresAt) : -1,
        };
        yield `${JSON.stringify(entry)}\n`;
      }
    }
  }

  private async restoreBatch(prefix: string, entries: DumpEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.admin.pipeline();
    for (const entry of entries) {
      const payload = Buffer.from(entry.value, 'base64');
      const key = `${prefix}${entry.key}`;
      if (entry.expiresAt === -1) pipeline.call('RESTORE', key, '0', payload, 'REPLACE');
      else pipeline.call('RESTORE', key, String(entry.expiresAt), payload, 'REPLACE', 'ABSTTL');
    }
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
  }

  /** The instance's keys in batches; SCAN may repeat a key, so each is handed out once. */
  private async *scanKeys(prefix: string): AsyncGenerator<string[]> {
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', scanCount);
      cursor = next;
      const fresh = keys.filter((k) => !seen.has(k));
      for (const k of fresh) seen.add(k);
      if (fresh.length > 0) yield fresh;
    } while (cursor !== '0');
  }

  private async deleteKeys(instanceId: string): Promise<void> {
    for await (const keys of this.scanKeys(keyPrefix(instanceId))) await this.admin.unlink(...keys);
  }

  /** The SHA-256 hashes of the user's passwords, or undefined when the server does not know the user. */
  private async passwordHashes(username: string): Promise<string[] | undefined> {
    const reply = (await this.admin.call('ACL', 'GETUSER', username)) as unknown[] | null;
    if (reply === null) return undefined;
    const index = reply.indexOf('passwords');
    const passwords = index >= 0 ? reply[index + 1] : [];
    return Array.isArray(passwords) ? passwords.map(String) : [];
  }

  /** Writes the users to the server's ACL file; a server without one (an external server) keeps them otherwise. */
  private async saveUsers(): Promise<void> {
    try {
      await this.admin.call('ACL', 'SAVE');
    } catch (err) {
      if (!/not configured to use an ACL file/i.test((err as Error).message)) throw err;
    }
  }
}

function parseHeader(line: string): DumpHeader {
  const parsed = JSON.parse(line) as Partial<DumpHeader>;
  if (parsed.format !== dumpHeader.format || parsed.version !== dumpHeader.version) {
    throw new Error('the backup is not a key-value dump of this broker (unknown format or version)');
  }
  return dumpHeader;
}

/**
 * An external server must refuse a connection without credentials: on one that lets `default` in
 * without a password, any tenant could act as `default` and reach every other tenant's keys. A
 * bare PING over TCP shows it, whatever handshake a client library would add.
 */
async function assertEnforcesAuthentication(adminUrl: URL, timeoutMs: number): Promise<void> {
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect({
      host: adminUrl.hostname.replace(/^\[|\]$/g, ''),
      port: Number(adminUrl.port || 6379),
    });
    let received = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('no answer to PING')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (received.includes('\r\n')) {
        socket.end();
        resolve(received.split('\r\n')[0] ?? '');
      }
    });
  });
  if (!reply.startsWith('-NOAUTH')) {
    throw new Error(
      `the server answers a connection without credentials (${reply.slice(0, 40)}); disable its "default" user ` +
        '(ACL SETUSER default off) so that tenants cannot go around their ACL users',
    );
  }
}
