import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postgresParameterCatalog } from '../parameters/postgresParameters.js';
import { databaseSettingOf, postgresDatabaseSettings, specialPostgresKeys } from './postgresSettings.js';

describe('postgresDatabaseSettings', () => {
  it('applies every parameter the catalog accepts (none is accepted and then ignored)', () => {
    const handled = new Set<string>([...Object.keys(databaseSettingOf), ...specialPostgresKeys]);
    assert.deepEqual(Object.keys(postgresParameterCatalog.schema.properties).sort(), [...handled].sort());
  });

  it('takes the connection limit from the plan unless max_connections is set', () => {
    assert.equal(postgresDatabaseSettings('postgresql-single-nano', {}).connectionLimit, 10);
    assert.equal(postgresDatabaseSettings('postgresql-single-big', {}).connectionLimit, 200);
    assert.equal(
      postgresDatabaseSettings('postgresql-single-big', { max_connections: 7 }).connectionLimit,
      7,
    );
  });

  it('sets given settings, resets the others and lower-cases enumerated levels only', () => {
    const s = postgresDatabaseSettings('postgresql-single-small', {
      work_mem: '64MB',
      statement_timeout: 1500,
      pg_log_min_messages: 'WARNING',
    });
    const byName = new Map(s.settings.map((x) => [x.name, x.value]));
    assert.equal(byName.get('work_mem'), '64MB');
    assert.equal(byName.get('statement_timeout'), '1500');
    assert.equal(byName.get('log_min_messages'), 'warning');
    assert.equal(byName.get('maintenance_work_mem'), null);
    assert.equal(s.settings.length, Object.keys(databaseSettingOf).length);
  });
});
