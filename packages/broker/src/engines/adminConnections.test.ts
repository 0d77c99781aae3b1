import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  libpqEnvironment,
  mariadbOptionFile,
  mariadbServerTarget,
  postgresServerTarget,
} from './adminConnections.js';

describe('admin URLs', () => {
  it('parse with defaults for port and user', () => {
    assert.deepEqual(postgresServerTarget('postgres://127.0.0.1/postgres'), {
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      password: undefined,
    });
    assert.deepEqual(mariadbServerTarget('mysql://root:p%40ss@[::1]:3307'), {
      host: '::1',
      port: 3307,
      user: 'root',
      password: 'p@ss',
    });
  });

  it('explain a wrong scheme or a non-URL without echoing the password', () => {
    assert.throws(() => postgresServerTarget('mysql://root@h'), /must start with postgres:/);
    assert.throws(
      () => mariadbServerTarget('root:secret@h'),
      (err: Error) => !err.message.includes('secret'),
    );
  });

  it('give pg_dump its connection through the environment', () => {
    assert.deepEqual(
      libpqEnvironment('postgres://admin:s3cret@db.local:6543/postgres?sslmode=require', 'klutch_x'),
      {
        PGHOST: 'db.local',
        PGPORT: '6543',
        PGUSER: 'admin',
        PGPASSWORD: 's3cret',
        PGDATABASE: 'klutch_x',
        PGAPPNAME: 'klutch-broker',
        PGSSLMODE: 'require',
      },
    );
  });

  it('quote MariaDB option values', () => {
    assert.equal(
      mariadbOptionFile({ host: '127.0.0.1', port: 3306, user: 'root', password: 'a"b#c' }),
      '[client]\nhost="127.0.0.1"\nport=3306\nuser="root"\npassword="a\\"b#c"\n',
    );
  });
});
