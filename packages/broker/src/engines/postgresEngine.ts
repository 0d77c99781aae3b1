import type { Readable } from 'node:stream';
import type { Logger } from '@klutch/kube';
import { Client, Pool, escapeIdentifier, escapeLiteral } from 'pg';
import { withDatabase } from '../state/stateDatabase.js';
import { libpqEnvironment, postgresServerTarget } from './adminConnections.js';
import { runProcess } from './childProcess.js';
import { postgresTimeoutSettings, resolveDatabaseTimeouts } from './databaseTimeouts.js';
import type { DatabaseTimeouts } from './databaseTimeouts.js';
import type {
  BindingAccount,
  BindingCredentials,
  DataServiceEngine,
  EngineInstance,
} from './dataServiceEngine.js';
import { bindingRoleAttributes, postgresDatabaseSettings } from './postgresSettings.js';
import { likePrefixPattern } from './resourceNames.js';

const id = escapeIdentifier;
const literal = escapeLiteral;

function errorCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

export interface PostgresEngineOptions {
  /** A superuser connection, e.g. postgres://postgres@127.0.0.1:5432/postgres. */
  adminUrl: string;
  /** Host name written into credentials. */
  publicHost: string;
  logger: Logger;
  /** Connect, statement and lock timeouts of every admin connection (defaults: brokerDefaults). */
  timeouts?: Partial<DatabaseTimeouts>;
}

/**
 * PostgreSQL instances: a database owned by a NOLOGIN owner role. Binding roles are members of the
 * owner and switch to it on login (a per-database `role` setting), so whatever any binding creates
 * belongs to the owner and stays usable by the other and by later bindings.
 */
export class PostgresEngine implements DataServiceEngine {
  readonly kind = 'postgresql' as const;

  private readonly timeouts: DatabaseTimeouts;

  private constructor(
    private readonly options: PostgresEngineOptions,
    private readonly pool: Pool,
    readonly serverVersion: string,
  ) {
    this.timeouts = resolveDatabaseTimeouts(options.timeouts);
  }

  static async connect(options: PostgresEngineOptions): Promise<PostgresEngine> {
    const pool = new Pool({
      connectionString: options.adminUrl,
      max: 4,
      application_name: 'klutch-broker',
      ...postgresTimeoutSettings(resolveDatabaseTimeouts(options.timeouts)),
    });
    // An idle connection the server closes (restart, admin kill) must not crash the broker.
    pool.on('error', (err) =>
      options.logger.warn({ err: err.message }, 'idle PostgreSQL admin connection failed'),
    );
    try {
      const { rows } = await pool.query<{ version: string; superuser: boolean }>(
        "SELECT current_setting('server_version') AS version, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user",
      );
      if (rows[0]?.superuser !== true) {
        throw new Error(
          'the PostgreSQL admin user must be a superuser: it creates databases and roles, sets per-database ' +
            'server settings and dumps every database',
        );
      }
      return new PostgresEngine(options, pool, (rows[0].version.split(' ')[0] ?? rows[0].version).trim());
    } catch (err) {
      await pool.end();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async ensureInstance(instance: EngineInstance): Promise<void> {
    const { database, ownerRole } = instance.names;
    const settings = postgresDatabaseSettings(instance.planName, instance.parameters);
    await this.ensureRole(ownerRole, 'NOLOGIN');
    if (!(await this.databaseExists(database))) {
      try {
        await this.pool.query(`CREATE DATABASE ${id(database)} OWNER ${id(ownerRole)}`);
      } catch (err) {
        if (errorCode(err) !== '42P04') throw err;
      }
    }
    await this.pool.query(`ALTER DATABASE ${id(database)} OWNER TO ${id(ownerRole)}`);
    if (!Number.isSafeInteger(settings.connectionLimit) || settings.connectionLimit < -1) {
      throw new Error(`connection limit ${settings.connectionLimit} is not a valid integer`);
    }
    await this.pool.query(`ALTER DATABASE ${id(database)} CONNECTION LIMIT ${settings.connectionLimit}`);
    // Other users of the shared server must not even connect; bindings get CONNECT explicitly.
    await this.pool.query(`REVOKE ALL ON DATABASE ${id(database)} FROM PUBLIC`);
    for (const setting of settings.settings) {
      try {
        await this.pool.query(
          setting.value === null
            ? `ALTER DATABASE ${id(database)} RESET ${id(setting.name)}`
            : `ALTER DATABASE ${id(database)} SET ${id(setting.name)} TO ${literal(setting.value)}`,
        );
      } catch (err) {
        throw new Error(
          `PostgreSQL rejected ${setting.name} = ${String(setting.value)}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    for (const username of instance.bindingUsernames) {
      if (await this.roleExists(username)) await this.grantBindingAccess(instance, username);
    }
  }

  async removeInstance(instance: EngineInstance): Promise<void> {
    const { database, ownerRole, bindingUserPrefix } = instance.names;
    await this.dropDatabase(database);
    const { rows } = await this.pool.query<{ rolname: string }>(
      'SELECT rolname FROM pg_roles WHERE rolname LIKE $1',
      [likePrefixPattern(bindingUserPrefix)],
    );
    const users = new Set([...rows.map((r) => r.rolname), ...instance.bindingUsernames]);
    for (const username of users) await this.dropRole(username);
    await this.dropRole(ownerRole);
  }

  async ensureBindingUser(instance: EngineInstance, account: BindingAccount): Promise<void> {
    const create = `CREATE ROLE ${id(account.username)} WITH ${bindingRoleAttributes} PASSWORD ${literal(account.password)}`;
    const update = `ALTER ROLE ${id(account.username)} WITH ${bindingRoleAttributes} PASSWORD ${literal(account.password)}`;
    if (await this.roleExists(account.username)) {
      await this.pool.query(update);
    } else {
      try {
        await this.pool.query(create);
      } catch (err) {
        if (errorCode(err) !== '42710') throw err;
        await this.pool.query(update);
      }
    }
    await this.grantBindingAccess(instance, account.username);
  }

  async removeBindingUser(instance: EngineInstance, username: string): Promise<void> {
    if (!(await this.roleExists(username))) return;
    const { database, ownerRole } = instance.names;
    // NOLOGIN first, so no new session appears between terminating the old ones and the drop.
    await this.pool.query(`ALTER ROLE ${id(username)} WITH NOLOGIN`);
    await this.terminateSessions('usename = $1', [username]);
    if ((await this.databaseExists(database)) && (await this.roleExists(ownerRole))) {
      await this.inDatabase(database, async (client) => {
        await client.query(`REASSIGN OWNED BY ${id(username)} TO ${id(ownerRole)}`);
        await client.query(`DROP OWNED BY ${id(username)}`);
      });
    }
    await this.dropRole(username);
  }

  credentials(instance: EngineInstance, account: BindingAccount): BindingCredentials {
    const { port } = postgresServerTarget(this.options.adminUrl);
    const host = this.options.publicHost;
    const database = instance.names.database;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    const user = encodeURIComponent(account.username);
    const password = encodeURIComponent(account.password);
    return {
      host,
      port,
      username: account.username,
      password: account.password,
      database,
      uri: `postgres://${user}:${password}@${hostPart}:${port}/${database}`,
      jdbcUrl: `jdbc:postgresql://${hostPart}:${port}/${database}?user=${user}&password=${password}`,
    };
  }

  async dump(
    instance: EngineInstance,
    consume: (dump: Readable) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    await runProcess(
      {
        command: 'pg_dump',
        args: [
          '--format=custom',
          '--no-password',
          // pg_dump clears the session's lock_timeout; without this a table lock held by a session of
          // the instance makes the backup wait until the job deadline.
          ...(this.timeouts.lockMs > 0 ? [`--lock-wait-timeout=${this.timeouts.lockMs}`] : []),
        ],
        env: this.clientToolEnvironment(instance.names.database),
      },
      { consumeStdout: consume, signal },
    );
  }

  /**
   * Recreates the database from scratch and restores into it as the owner role, so the result holds
   * exactly the backup's objects, all owned by the owner (and thus usable by every binding).
   */
  async restore(instance: EngineInstance, dumpFile: string, signal: AbortSignal): Promise<void> {
    await this.dropDatabase(instance.names.database);
    await this.ensureInstance(instance);
    await runProcess(
      {
        command: 'pg_restore',
        args: [
          '--no-owner',
          '--no-privileges',
          `--role=${instance.names.ownerRole}`,
          '--single-transaction',
          '--exit-on-error',
          '--no-password',
          `--dbname=${instance.names.database}`,
          dumpFile,
        ],
        env: this.clientToolEnvironment(instance.names.database),
      },
      { signal },
    );
  }

  /**
   * libpq settings of pg_dump and pg_restore. When the job deadline kills the tool while its server
   * session waits for a lock, the session would otherwise keep waiting (and queueing others behind
   * it) until it gets the lock; PostgreSQL 14+ can notice the closed connection and end it.
   */
  private clientToolEnvironment(database: string): Record<string, string> {
    const env = libpqEnvironment(this.options.adminUrl, database);
    if (Number.parseInt(this.serverVersion, 10) >= 14)
      env.PGOPTIONS = '-c client_connection_check_interval=1000';
    return env;
  }

  private async grantBindingAccess(instance: EngineInstance, username: string): Promise<void> {
    const { database, ownerRole } = instance.names;
    await this.pool.query(`GRANT ${id(ownerRole)} TO ${id(username)}`);
    await this.pool.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${id(database)} TO ${id(username)}`);
    await this.pool.query(
      `ALTER ROLE ${id(username)} IN DATABASE ${id(database)} SET role TO ${literal(ownerRole)}`,
    );
    await this.pool.query(`ALTER ROLE ${id(username)} WITH ${bindingRoleAttributes}`);
  }

  private async ensureRole(name: string, attributes: string): Promise<void> {
    if (await this.roleExists(name)) return;
    try {
      await this.pool.query(`CREATE ROLE ${id(name)} WITH ${attributes}`);
    } catch (err) {
      if (errorCode(err) !== '42710') throw err;
    }
  }

  private async dropRole(name: string): Promise<void> {
    if (!(await this.roleExists(name))) return;
    await this.pool.query(`ALTER ROLE ${id(name)} WITH NOLOGIN`);
    await this.terminateSessions('usename = $1', [name]);
    // Privileges on shared objects and objects in the maintenance database; the instance database is gone.
    await this.pool.query(`DROP OWNED BY ${id(name)}`);
    await this.pool.query(`DROP ROLE IF EXISTS ${id(name)}`);
  }

  private async dropDatabase(database: string): Promise<void> {
    if (!(await this.databaseExists(database))) return;
    await this.pool.query(`DROP DATABASE IF EXISTS ${id(database)} WITH (FORCE)`);
  }

  private async terminateSessions(where: string, values: unknown[]): Promise<void> {
    await this.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE ${where} AND pid <> pg_backend_pid()`,
      values,
    );
  }

  private async roleExists(name: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    return (rowCount ?? 0) > 0;
  }

  private async databaseExists(name: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return (rowCount ?? 0) > 0;
  }

  private async inDatabase(database: string, fn: (client: Client) => Promise<void>): Promise<void> {
    const client = new Client({
      connectionString: withDatabase(this.options.adminUrl, database),
      application_name: 'klutch-broker',
      ...postgresTimeoutSettings(this.timeouts),
    });
    await client.connect();
    try {
      await fn(client);
    } finally {
      await client.end();
    }
  }
}
