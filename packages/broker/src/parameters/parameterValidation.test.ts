import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mariadbParameterCatalog } from './mariadbParameters.js';
import { compileParameterValidator } from './parameterValidation.js';
import { postgresParameterCatalog } from './postgresParameters.js';

const validatePostgres = compileParameterValidator(postgresParameterCatalog);
const validateMariadb = compileParameterValidator(mariadbParameterCatalog);

describe('compileParameterValidator (PostgreSQL)', () => {
  it('accepts the keys the app-facing API produces', () => {
    assert.deepEqual(
      validatePostgres({
        max_connections: 20,
        work_mem: '64MB',
        temp_file_limit: -1,
        statement_timeout: 0,
        role_privileges: [],
        log_statement: 'ddl',
        pg_log_min_messages: 'WARNING',
        client_min_messages: 'notice',
      }),
      [],
    );
    assert.deepEqual(validatePostgres({}), []);
  });

  it('names the parameter and the rule it breaks', () => {
    const problems = validatePostgres({ max_connections: 0, work_mem: '64 MB', log_statement: 'everything' });
    assert.equal(problems.length, 3);
    assert.ok(problems.some((p) => p.startsWith('parameter "max_connections" must be >= 1')));
    assert.ok(problems.some((p) => p.includes('"work_mem" must match pattern') && p.includes('e.g. 64MB')));
    assert.ok(problems.some((p) => p.includes('"log_statement" must be one of: none, ddl, mod, all')));
  });

  it('explains the temp_file_limit rule and array items', () => {
    assert.match(
      validatePostgres({ temp_file_limit: 0 })[0] ?? '',
      /"temp_file_limit" has a value that is not allowed.*-1 \(no limit\)/,
    );
    assert.match(
      validatePostgres({ role_privileges: ['SUPERUSER'] })[0] ?? '',
      /"role_privileges\[0\]" must be one of: CREATEDB/,
    );
    assert.match(
      validatePostgres({ statement_timeout: '10s' })[0] ?? '',
      /"statement_timeout" must be integer/,
    );
  });

  it('rejects unknown keys with the list of supported ones, and server-level keys with the reason', () => {
    assert.match(
      validatePostgres({ shared_buffers: '1GB' })[0] ?? '',
      /"shared_buffers" is not supported; supported parameters are: .*max_connections/,
    );
    assert.match(
      validatePostgres({ data_checksums: 'enabled' })[0] ?? '',
      /"data_checksums" cannot be set on the sandbox broker because data checksums/,
    );
  });

  it('refuses each role privilege with the value and why it would escape the instance', () => {
    const problems = validatePostgres({ role_privileges: ['CREATEROLE', 'REPLICATION', 'CREATEDB'] });
    assert.equal(problems.length, 3);
    assert.match(
      problems[0] ?? '',
      /^parameter "role_privileges" value CREATEROLE is not available on a shared PostgreSQL server: it would let the role take over other databases/,
    );
    assert.match(problems[1] ?? '', /value REPLICATION .* streams the whole server/);
    assert.match(problems[2] ?? '', /value CREATEDB .* deprovisioning could not remove them/);
  });

  it('rejects parameters that are not an object', () => {
    assert.match(validatePostgres(['x'])[0] ?? '', /must be a JSON object/);
  });
});

describe('compileParameterValidator (MariaDB)', () => {
  it('validates extra database names', () => {
    assert.deepEqual(
      validateMariadb({ databases: ['reports'], grant_performance_schema_permissions: false }),
      [],
    );
    assert.match(
      validateMariadb({ databases: ['bad-name'] })[0] ?? '',
      /"databases\[0\]" must match pattern/,
    );
    assert.match(
      validateMariadb({ databases: ['a', 'a'] })[0] ?? '',
      /"databases" must not contain duplicates/,
    );
    assert.match(
      validateMariadb({ grant_performance_schema_permissions: true })[0] ?? '',
      /"grant_performance_schema_permissions" value true is not available on a shared MariaDB server: .*other instances/,
    );
    assert.match(
      validateMariadb({ binlog_expire_days: 3 })[0] ?? '',
      /binary log belongs to the whole server/,
    );
  });
});
