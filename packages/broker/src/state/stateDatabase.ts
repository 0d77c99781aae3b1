import type { Logger } from '@klutch/kube';
import { Client, escapeIdentifier } from 'pg';
import type { Pool, PoolClient } from 'pg';
import type { PostgresTimeoutSettings } from '../engines/databaseTimeouts.js';
import { stateMigrations } from './migrations.js';

/** The database name in a postgres:// URL. */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (name === '') throw new Error(`the state database URL ${redactUrl(url)} names no database`);
  return name;
}

/** The same server and user, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** For messages and logs: the URL without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Creates the state database when it does not exist (through the server's `postgres` database). */
export async function ensureStateDatabase(
  url: string,
  logger: Logger,
  timeouts: PostgresTimeoutSettings = {},
): Promise<void> {
  const name = databaseNameOf(url);
  if (name === 'postgres') return;
  const client = new Client({ connectionString: withDatabase(url, 'postgres'), ...timeouts });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
        logger.info({ database: name }, 'created the state database');
      } catch (err) {
        // 42P04 duplicate_database: another broker created it at the same moment.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
    // The state holds every binding's (sealed) credentials: no other role of the server may connect.
    await client.query(`REVOKE ALL ON DATABASE ${escapeIdentifier(name)} FROM PUBLIC`);
  } finally {
    await client.end();
  }
}

export async function migrateStateDatabase(pool: Pool, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Serialises concurrent starts on one state database; released at COMMIT.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('klutch-broker migrations'))");
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    for (const migration of stateMigrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
      logger.info(
        { version: migration.version, description: migration.description },
        'applied a state migration',
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * One broker per state database: two would run the same operations and jobs twice. The lock is a
 * session-level advisory lock, so it disappears with the connection if the process dies.
 */
export async function acquireBrokerLock(pool: Pool, url: string): Promise<PoolClient> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext('klutch-broker instance')) AS locked",
    );
    if (rows[0]?.locked !== true) {
      throw new Error(
        `another broker is already using the state database ${redactUrl(url)}; stop it or choose another --state-database-url`,
      );
    }
    return client;
  } catch (err) {
    client.release();
    throw err;
  }
}

export async function releaseBrokerLock(client: PoolClient): Promise<void> {
  try {
    await client.query("SELECT pg_advisory_unlock(hashtext('klutch-broker instance'))");
  } finally {
    client.release();
  }
}

/** Runs `fn` in a transaction; rolls back when it throws. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Makes sure the key in use is the key the state was written with. */
export async function checkStateKeyFingerprint(pool: Pool, fingerprint: string): Promise<void> {
  await pool.query(
    "INSERT INTO broker_settings (name, value) VALUES ('state_key_fingerprint', $1) ON CONFLICT (name) DO NOTHING",
    [fingerprint],
  );
  const { rows } = await pool.query<{ value: string }>(
    "SELECT value FROM broker_settings WHERE name = 'state_key_fingerprint'",
  );
  if (rows[0]?.value !== fingerprint) {
    throw new Error(
      'the state encryption key differs from the key this state database was written with; start the broker ' +
        'with the original --state-encryption-key or --state-encryption-key-file',
    );
  }
}
