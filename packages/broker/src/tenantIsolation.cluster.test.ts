import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { Client } from 'pg';
import { instanceResourceNames } from './engines/resourceNames.js';
import { withDatabase } from './state/stateDatabase.js';
import {
  BrokerTestbed,
  catalogIds,
  deprovisionInstance,
  provisionInstance,
} from './testing/brokerTestbed.js';

// Every attack runs as a bound tenant with its own credentials, against the broker's own servers.
const pgService = 'a9s-postgresql15';
const pgPlan = 'postgresql-single-small';
const mariaService = 'a9s-mariadb1011';
const mariaPlan = 'mariadb-single-small-ssl';

type Credentials = Record<string, string | number>;

async function bind(
  tb: BrokerTestbed,
  instanceId: string,
  service: string,
  plan: string,
): Promise<Credentials> {
  const response = await tb.osb.put(
    `/v2/service_instances/${instanceId}/service_bindings/b-${instanceId}`,
    catalogIds(service, plan),
  );
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return (response.body as { credentials: Credentials }).credentials;
}

function pgUrl(
  credentials: Credentials,
  changes: { database?: string; user?: string; password?: string } = {},
) {
  const u = new URL(String(credentials.uri));
  if (changes.database !== undefined) u.pathname = `/${changes.database}`;
  if (changes.user !== undefined) u.username = changes.user;
  if (changes.password !== undefined) u.password = changes.password;
  return u.toString();
}

async function pgSession<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Asserts the statement fails with the SQLSTATE (42501 insufficient_privilege, by default). */
async function refusedPg(client: Client, sql: string, code = '42501'): Promise<void> {
  await assert.rejects(client.query(sql), (err: { code?: string; message: string }) => {
    assert.equal(err.code, code, `${sql}: ${err.message}`);
    return true;
  });
}

async function refusedPgLogin(url: string, code: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await assert.rejects(client.connect(), (err: { code?: string; message: string }) => {
    assert.equal(err.code, code, err.message);
    return true;
  });
  await client.end().catch(() => undefined);
}

async function mariaSession<T>(url: string, fn: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await createConnection(url);
  try {
    return await fn(connection);
  } finally {
    await connection.end();
  }
}

/** Asserts a MariaDB statement is denied (any of the access-denied error codes). */
async function refusedMaria(connection: Connection, sql: string): Promise<void> {
  await assert.rejects(connection.query(sql), (err: { code?: string; message: string }) => {
    assert.match(
      String(err.code),
      /ACCESS_DENIED|DENIED_ERROR|_DENIED/,
      `${sql}: ${err.code} ${err.message}`,
    );
    return true;
  });
}

describe('tenant isolation on the broker-managed servers', () => {
  let tb: BrokerTestbed;
  const pg: { a: string; b: string; aCreds: Credentials; bCreds: Credentials } = {
    a: '',
    b: '',
    aCreds: {},
    bCreds: {},
  };
  const maria: { a: string; b: string; aCreds: Credentials; bCreds: Credentials } = {
    a: '',
    b: '',
    aCreds: {},
    bCreds: {},
  };

  before(async () => {
    tb = await BrokerTestbed.startManaged();
    pg.a = tb.newInstanceId();
    pg.b = tb.newInstanceId();
    maria.a = tb.newInstanceId();
    maria.b = tb.newInstanceId();
    await Promise.all([
      provisionInstance(tb.osb, pg.a, pgService, pgPlan),
      provisionInstance(tb.osb, pg.b, pgService, pgPlan),
      provisionInstance(tb.osb, maria.a, mariaService, mariaPlan),
      provisionInstance(tb.osb, maria.b, mariaService, mariaPlan),
    ]);
    pg.aCreds = await bind(tb, pg.a, pgService, pgPlan);
    pg.bCreds = await bind(tb, pg.b, pgService, pgPlan);
    maria.aCreds = await bind(tb, maria.a, mariaService, mariaPlan);
    maria.bCreds = await bind(tb, maria.b, mariaService, mariaPlan);
    await pgSession(pgUrl(pg.bCreds), (c) => c.query("CREATE TABLE secrets AS SELECT 'b-only' AS s"));
    await mariaSession(String(maria.bCreds.uri), (c) =>
      c.query("CREATE TABLE secrets AS SELECT 'b-only' AS s"),
    );
  });
  after(async () => {
    await tb?.cleanup();
  });

  describe('PostgreSQL', () => {
    it('requires the right password of every login, the admin included', async () => {
      await refusedPgLogin(pgUrl(pg.aCreds, { password: 'wrong' }), '28P01');
      await refusedPgLogin(pgUrl(pg.aCreds, { user: String(pg.bCreds.username) }), '28P01');
      await refusedPgLogin(pgUrl(pg.aCreds, { user: 'postgres', database: 'postgres' }), '28P01');
      await refusedPgLogin(
        pgUrl(pg.aCreds, { user: 'postgres', password: 'postgres', database: 'postgres' }),
        '28P01',
      );
    });

    it('cannot create or alter roles, nor grant itself predefined roles', async () => {
      await pgSession(pgUrl(pg.aCreds), async (c) => {
        for (const probe of ['SELECT 1', 'RESET ROLE']) {
          // As the owner role (the default) and as the login role itself (RESET ROLE).
          await c.query(probe);
          await refusedPg(c, 'CREATE ROLE intruder LOGIN PASSWORD $$x$$');
          await refusedPg(c, `ALTER ROLE ${String(pg.bCreds.username)} PASSWORD 'taken-over'`);
          await refusedPg(c, 'ALTER ROLE postgres PASSWORD $$taken-over$$');
          await refusedPg(c, 'ALTER ROLE CURRENT_USER CREATEROLE');
          await refusedPg(c, 'ALTER ROLE SESSION_USER SUPERUSER');
          await refusedPg(c, 'ALTER ROLE SESSION_USER REPLICATION');
          await refusedPg(c, 'ALTER ROLE SESSION_USER CREATEDB');
          for (const role of [
            'pg_execute_server_program',
            'pg_read_server_files',
            'pg_write_server_files',
            'pg_read_all_data',
            'pg_signal_backend',
            instanceResourceNames(pg.b).ownerRole,
          ]) {
            await refusedPg(c, `GRANT ${role} TO SESSION_USER`);
          }
        }
        const { rows } = await c.query<Record<string, boolean>>(
          'SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = session_user',
        );
        assert.deepEqual(rows[0], {
          rolsuper: false,
          rolcreaterole: false,
          rolcreatedb: false,
          rolreplication: false,
          rolbypassrls: false,
        });
      });
    });

    it('cannot run programs or read and write server files', async () => {
      await pgSession(pgUrl(pg.aCreds), async (c) => {
        await c.query('CREATE TABLE loot (line text)');
        await refusedPg(c, "COPY loot FROM PROGRAM 'id'");
        await refusedPg(c, "COPY loot TO PROGRAM 'cat > /tmp/klutch-tenant-escape'");
        await refusedPg(c, "COPY loot FROM '/etc/passwd'");
        await refusedPg(c, "COPY (SELECT 1) TO '/tmp/klutch-tenant-escape'");
        await refusedPg(c, "SELECT pg_read_file('/etc/passwd')");
        await refusedPg(c, "SELECT pg_ls_dir('.')");
        await refusedPg(c, "SELECT lo_import('/etc/passwd')");
        await refusedPg(c, 'CREATE EXTENSION dblink');
        await refusedPg(c, 'SET log_statement = none');
      });
    });

    it("cannot connect to another instance's database, the state database or the maintenance databases", async () => {
      const b = instanceResourceNames(pg.b).database;
      for (const database of [b, 'klutch_broker', 'postgres', 'template1']) {
        await refusedPgLogin(pgUrl(pg.aCreds, { database }), '42501');
      }
      await refusedPgLogin(pgUrl(pg.aCreds, { database: 'template0' }), '55000');
      await pgSession(pgUrl(pg.aCreds), async (c) => {
        await refusedPg(c, `SET ROLE ${instanceResourceNames(pg.b).ownerRole}`);
        await refusedPg(c, `SET SESSION AUTHORIZATION ${String(pg.bCreds.username)}`);
        // Other sessions' statements stay hidden in pg_stat_activity.
        const { rows } = await c.query<{ query: string }>(
          'SELECT query FROM pg_stat_activity WHERE usename <> session_user AND query <> $1',
          [''],
        );
        for (const row of rows) assert.equal(row.query, '<insufficient privilege>');
      });
    });

    it('leaves no role and no database behind after deprovisioning', async () => {
      const id = tb.newInstanceId();
      const names = instanceResourceNames(id);
      await provisionInstance(tb.osb, id, pgService, pgPlan);
      const credentials = await bind(tb, id, pgService, pgPlan);
      await pgSession(pgUrl(credentials), async (c) => {
        await c.query('CREATE TABLE t (x int)');
        await c.query('CREATE TEMP TABLE scratch (x int)');
        await c.query('CREATE SCHEMA extra');
      });
      await deprovisionInstance(tb.osb, id, pgService, pgPlan);
      await refusedPgLogin(pgUrl(credentials), '28P01');
      await pgSession(tb.managedAdminUrls().postgresql, async (admin) => {
        const roles = await admin.query('SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)', [
          names.database,
        ]);
        assert.deepEqual(roles.rows, []);
        const databases = await admin.query(
          'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
          [names.database],
        );
        assert.deepEqual(databases.rows, []);
      });
    });
  });

  describe('MariaDB', () => {
    it('requires the right password of every account, root and the admin included', async () => {
      const url = new URL(String(maria.aCreds.uri));
      for (const [user, password] of [
        [String(maria.aCreds.username), 'wrong'],
        [String(maria.bCreds.username), String(maria.aCreds.password)],
        ['root', ''],
        ['klutch_admin', ''],
        ['mysql', ''],
      ] as const) {
        const attempt = new URL(url);
        attempt.username = user;
        attempt.password = password;
        await assert.rejects(createConnection(attempt.toString()), (err: { code?: string }) => {
          assert.match(String(err.code), /^ER_ACCESS_DENIED_(NO_PASSWORD_)?ERROR$/, user);
          return true;
        });
      }
    });

    it('cannot create users, grant privileges or use global privileges', async () => {
      const other = instanceResourceNames(maria.b).database;
      await mariaSession(String(maria.aCreds.uri), async (c) => {
        await refusedMaria(c, "CREATE USER 'intruder'@'%' IDENTIFIED BY 'x'");
        await refusedMaria(c, `GRANT ALL PRIVILEGES ON \`${other}\`.* TO CURRENT_USER`);
        await refusedMaria(c, `GRANT SELECT ON *.* TO CURRENT_USER`);
        await refusedMaria(
          c,
          `GRANT SELECT ON \`${String(maria.aCreds.database)}\`.* TO '${String(maria.bCreds.username)}'@'%'`,
        );
        await refusedMaria(c, `ALTER USER '${String(maria.bCreds.username)}'@'%' IDENTIFIED BY 'taken-over'`);
        await refusedMaria(c, "SET PASSWORD FOR 'klutch_admin'@'127.0.0.1' = PASSWORD('taken-over')");
        await refusedMaria(c, 'SET GLOBAL max_connections = 1');
        const [grants] = await c.query<RowDataPacket[]>('SHOW GRANTS');
        const text = grants.map((g) => String(Object.values(g)[0])).join('\n');
        assert.match(text, /GRANT USAGE ON \*\.\*/);
        assert.doesNotMatch(text, /GRANT OPTION|FILE|SUPER|PROCESS|performance_schema/, text);
      });
    });

    it("cannot read another instance's data, mysql.user or the Performance Schema", async () => {
      const other = instanceResourceNames(maria.b).database;
      await mariaSession(String(maria.aCreds.uri), async (c) => {
        await refusedMaria(c, `SELECT * FROM \`${other}\`.secrets`);
        await refusedMaria(c, `USE \`${other}\``);
        await refusedMaria(c, 'SELECT User, Password FROM mysql.user');
        await refusedMaria(c, 'SELECT * FROM mysql.global_priv');
        await refusedMaria(c, 'SELECT * FROM performance_schema.events_statements_history');
        await refusedMaria(c, `CREATE DATABASE \`${String(maria.aCreds.database)}_extra\``);
        const [processes] = await c.query<RowDataPacket[]>('SELECT USER FROM information_schema.PROCESSLIST');
        for (const p of processes) assert.equal(p.USER, maria.aCreds.username);
      });
    });

    it('cannot read or write server files', async () => {
      await mariaSession(String(maria.aCreds.uri), async (c) => {
        await c.query('CREATE TABLE loot (line text)');
        await refusedMaria(c, "LOAD DATA INFILE '/etc/passwd' INTO TABLE loot");
        await refusedMaria(c, "SELECT 1 INTO OUTFILE '/tmp/klutch-tenant-escape'");
        await refusedMaria(c, "SELECT 1 INTO DUMPFILE '/tmp/klutch-tenant-escape'");
        const [rows] = await c.query<RowDataPacket[]>("SELECT LOAD_FILE('/etc/passwd') AS content");
        assert.equal(rows[0]?.content, null);
      });
    });

    it('leaves no user and no database behind after deprovisioning', async () => {
      const id = tb.newInstanceId();
      const names = instanceResourceNames(id);
      await provisionInstance(tb.osb, id, mariaService, mariaPlan, { databases: ['reports'] });
      const credentials = await bind(tb, id, mariaService, mariaPlan);
      await mariaSession(String(credentials.uri), (c) => c.query('CREATE TABLE t (x int)'));
      await deprovisionInstance(tb.osb, id, mariaService, mariaPlan);
      await assert.rejects(createConnection(String(credentials.uri)));
      const admin = tb.managedAdminUrls().mariadb;
      assert.ok(admin, 'the managed MariaDB server runs');
      await mariaSession(admin, async (c) => {
        const [users] = await c.query<RowDataPacket[]>('SELECT User FROM mysql.user WHERE User LIKE ?', [
          `${names.database}%`,
        ]);
        assert.deepEqual(users, []);
        const [databases] = await c.query<RowDataPacket[]>(
          'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?',
          [`${names.database}%`],
        );
        assert.deepEqual(databases, []);
      });
    });
  });

  describe('parameters whose effect would leave the instance', () => {
    const refused = (response: { status: number; body: unknown }, description: RegExp) => {
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.match(String((response.body as { description?: string }).description), description);
    };

    it('refuses CREATEROLE, REPLICATION and CREATEDB at provision and update time', async () => {
      const id = tb.newInstanceId();
      for (const privilege of ['CREATEROLE', 'REPLICATION', 'CREATEDB']) {
        refused(
          await tb.osb.put(`/v2/service_instances/${id}?accepts_incomplete=true`, {
            ...catalogIds(pgService, pgPlan),
            organization_guid: 'o',
            space_guid: 's',
            parameters: { role_privileges: [privilege] },
          }),
          new RegExp(
            `parameter "role_privileges" value ${privilege} is not available on a shared PostgreSQL server: `,
          ),
        );
      }
      refused(
        await tb.osb.patch(`/v2/service_instances/${pg.a}?accepts_incomplete=true`, {
          service_id: catalogIds(pgService, pgPlan).service_id,
          parameters: { role_privileges: ['CREATEROLE'] },
        }),
        /value CREATEROLE is not available on a shared PostgreSQL server: it would let the role take over other databases/,
      );
      refused(
        await tb.osb.patch(`/v2/service_instances/${maria.a}?accepts_incomplete=true`, {
          service_id: catalogIds(mariaService, mariaPlan).service_id,
          parameters: { grant_performance_schema_permissions: true },
        }),
        /"grant_performance_schema_permissions" value true is not available on a shared MariaDB server/,
      );
    });

    it('refuses to bind an instance whose stored parameters an older broker accepted', async () => {
      const state = withDatabase(tb.managedAdminUrls().postgresql, 'klutch_broker');
      await pgSession(state, (c) =>
        c.query(`UPDATE instances SET parameters = '{"role_privileges":["CREATEROLE"]}' WHERE id = $1`, [
          pg.a,
        ]),
      );
      try {
        refused(
          await tb.osb.put(
            `/v2/service_instances/${pg.a}/service_bindings/b2-${pg.a}`,
            catalogIds(pgService, pgPlan),
          ),
          /has parameters this broker does not grant: parameter "role_privileges" value CREATEROLE/,
        );
      } finally {
        await pgSession(state, (c) =>
          c.query(`UPDATE instances SET parameters = '{}' WHERE id = $1`, [pg.a]),
        );
      }
    });
  });
});
