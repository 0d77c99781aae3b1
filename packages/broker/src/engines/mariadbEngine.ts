import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createPool } from 'mysql2/promise';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { mariadbOptionFile, mariadbServerTarget } from './adminConnections.js';
import type { ServerTarget } from './adminConnections.js';
import { runProcess } from './childProcess.js';
import { mariadbSessionStatement, resolveDatabaseTimeouts } from './databaseTimeouts.js';
import type { DatabaseTimeouts } from './databaseTimeouts.js';
import type {
  BindingAccount,
  BindingCredentials,
  DataServiceEngine,
  EngineInstance,
} from './dataServiceEngine.js';
import { mariadbInstanceSettings } from './mariadbSettings.js';
import type { MariadbInstanceSettings } from './mariadbSettings.js';
import { likePrefixPattern } from './resourceNames.js';

export interface MariadbEngineOptions {
  /** An admin connection, e.g. mysql://root@127.0.0.1:3306. */
  adminUrl: string;
  /** Host name written into credentials. */
  publicHost: string;
  /** Connect, statement and lock timeouts of every admin connection (defaults: brokerDefaults). */
  timeouts?: Partial<DatabaseTimeouts>;
}

/** The callback API of a new pool connection (what mysql2 hands to the pool's `connection` event). */
interface NewPoolConnection {
  query(sql: string, callback: (err: Error | null) => void): void;
  destroy(): void;
}

/** In GRANT, `_` and `%` in database names are wildcards; escaped, a grant covers exactly one database. */
function grantPattern(database: string): string {
  return database.replace(/[_%]/g, (c) => `\\${c}`);
}

function errorCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

/**
 * MariaDB instances: a database (plus the extra databases of the `databases` parameter) and one
 * user `'<name>'@'%'` per binding with all privileges on them.
 */
export class MariadbEngine implements DataServiceEngine {
  readonly kind = 'mariadb' as const;

  private constructor(
    private readonly options: MariadbEngineOptions,
    private readonly target: ServerTarget,
    private readonly pool: Pool,
    readonly serverVersion: string,
  ) {}

  static async connect(options: MariadbEngineOptions): Promise<MariadbEngine> {
    const target = mariadbServerTarget(options.adminUrl);
    const timeouts = resolveDatabaseTimeouts(options.timeouts);
    const pool = createPool({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      connectionLimit: 4,
      connectTimeout: timeouts.connectMs > 0 ? timeouts.connectMs : undefined,
    });
    // The server's defaults let DROP DATABASE wait a day behind another session's open transaction.
    // A connection runs its commands in order, so this comes before the caller's first query; a
    // connection that refused it is closed rather than used without timeouts.
    const sessionSettings = mariadbSessionStatement(timeouts);
    pool.on('connection', (connection) => {
      const created = connection as unknown as NewPoolConnection;
      created.query(sessionSettings, (err) => {
        if (err) created.destroy();
      });
    });
    try {
      // Fails at start, with the server's reason, when the server does not know these settings.
      await pool.query(sessionSettings);
      const [rows] = await pool.query<RowDataPacket[]>('SELECT VERSION() AS version');
      const version = String(rows[0]?.version ?? 'unknown').split('-')[0] ?? 'unknown';
      return new MariadbEngine(options, target, pool, version);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async ensureInstance(instance: EngineInstance): Promise<void> {
    const settings = mariadbInstanceSettings(instance.names, instance.planName, instance.parameters);
    await this.pool.query('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4', [
      instance.names.database,
    ]);
    for (const extra of settings.extraDatabases) {
      await this.pool.query('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4', [extra]);
    }
    for (const username of instance.bindingUsernames) {
      if (await this.userExists(username)) await this.grantBindingAccess(instance, username, settings);
    }
  }

  async removeInstance(instance: EngineInstance): Promise<void> {
    const [users] = await this.pool.query<RowDataPacket[]>(
      'SELECT User AS name FROM mysql.user WHERE User LIKE ?',
      [likePrefixPattern(instance.names.bindingUserPrefix)],
    );
    const usernames = new Set([...users.map((u) => String(u.name)), ...instance.bindingUsernames]);
    for (const username of usernames) await this.dropUser(username);
    for (const database of await this.instanceDatabases(instance)) {
      await this.pool.query('DROP DATABASE IF EXISTS ??', [database]);
    }
  }

  async ensureBindingUser(instance: EngineInstance, account: BindingAccount): Promise<void> {
    const settings = mariadbInstanceSettings(instance.names, instance.planName, instance.parameters);
    await this.pool.query("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", [
      account.username,
      account.password,
    ]);
    await this.pool.query("ALTER USER ?@'%' IDENTIFIED BY ? ACCOUNT UNLOCK", [
      account.username,
      account.password,
    ]);
    await this.grantBindingAccess(instance, account.username, settings);
  }

  async removeBindingUser(_instance: EngineInstance, username: string): Promise<void> {
    await this.dropUser(username);
  }

  credentials(instance: EngineInstance, account: BindingAccount): BindingCredentials {
    const host = this.options.publicHost;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    const port = this.target.port;
    const database = instance.names.database;
    return {
      host,
      port,
      username: account.username,
      password: account.password,
      database,
      uri: `mysql://${encodeURIComponent(account.username)}:${encodeURIComponent(account.password)}@${hostPart}:${port}/${database}`,
    };
  }

  async dump(
    instance: EngineInstance,
    consume: (dump: Readable) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const databases = await this.instanceDatabases(instance);
    if (databases.length === 0) throw new Error(`database ${instance.names.database} does not exist`);
    await this.withOptionFile((optionFile) =>
      runProcess(
        {
          command: 'mariadb-dump',
          args: [
            `--defaults-extra-file=${optionFile}`,
            '--single-transaction',
            '--routines',
            '--triggers',
            '--events',
            '--databases',
            ...databases,
          ],
        },
        { consumeStdout: consume, signal },
      ),
    );
  }

  /** Drops the instance's databases and replays the dump, which recreates them; grants survive a DROP DATABASE. */
  async restore(instance: EngineInstance, dumpFile: string, signal: AbortSignal): Promise<void> {
    for (const database of await this.instanceDatabases(instance)) {
      await this.pool.query('DROP DATABASE IF EXISTS ??', [database]);
    }
    await this.withOptionFile((optionFile) =>
      runProcess(
        { command: 'mariadb', args: [`--defaults-extra-file=${optionFile}`, '--batch'] },
        { stdinFile: dumpFile, signal },
      ),
    );
    await this.ensureInstance(instance);
  }

  private async grantBindingAccess(
    instance: EngineInstance,
    username: string,
    settings: MariadbInstanceSettings,
  ): Promise<void> {
    await this.pool.query(
      `ALTER USER ?@'%' WITH MAX_USER_CONNECTIONS ${Math.trunc(settings.maxUserConnections)}`,
      [username],
    );
    for (const database of [instance.names.database, ...settings.extraDatabases]) {
      await this.pool.query("GRANT ALL PRIVILEGES ON ??.* TO ?@'%'", [grantPattern(database), username]);
    }
    // The broker refuses grant_performance_schema_permissions; a grant an older broker made goes.
    try {
      await this.pool.query("REVOKE SELECT ON performance_schema.* FROM ?@'%'", [username]);
    } catch (err) {
      // Nothing to revoke.
      if (errorCode(err) !== 'ER_NONEXISTING_GRANT') throw err;
    }
  }

  private async dropUser(username: string): Promise<void> {
    if (!(await this.userExists(username))) return;
    // Locked first, so no new session appears between killing the old ones and the drop.
    await this.pool.query("ALTER USER ?@'%' ACCOUNT LOCK", [username]);
    const [sessions] = await this.pool.query<RowDataPacket[]>(
      'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?',
      [username],
    );
    for (const session of sessions) {
      try {
        await this.pool.query('KILL CONNECTION ?', [Number(session.id)]);
      } catch (err) {
        // The session ended by itself in the meantime.
        if (errorCode(err) !== 'ER_NO_SUCH_THREAD') throw err;
      }
    }
    await this.pool.query("DROP USER IF EXISTS ?@'%'", [username]);
  }

  private async userExists(username: string): Promise<boolean> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      "SELECT 1 FROM mysql.user WHERE User = ? AND Host = '%'",
      [username],
    );
    return rows.length > 0;
  }

  /** The instance's main database and its extra databases, as they exist on the server. */
  private async instanceDatabases(instance: EngineInstance): Promise<string[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ? OR SCHEMA_NAME LIKE ? ORDER BY SCHEMA_NAME',
      [instance.names.database, likePrefixPattern(instance.names.extraDatabasePrefix)],
    );
    return rows.map((r) => String(r.name));
  }

  private async withOptionFile<T>(fn: (path: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), 'klutch-broker-mariadb-'));
    const path = join(dir, 'client.cnf');
    try {
      await writeFile(path, mariadbOptionFile(this.target), { mode: 0o600 });
      return await fn(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
