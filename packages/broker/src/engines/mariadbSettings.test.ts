import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mariadbParameterCatalog } from '../parameters/mariadbParameters.js';
import { appliedMariadbKeys, mariadbInstanceSettings } from './mariadbSettings.js';
import { instanceResourceNames } from './resourceNames.js';

describe('mariadbInstanceSettings', () => {
  it('applies every parameter the catalog accepts', () => {
    assert.deepEqual(
      Object.keys(mariadbParameterCatalog.schema.properties).sort(),
      [...appliedMariadbKeys].sort(),
    );
  });

  it('prefixes extra databases with the instance database and limits connections per plan', () => {
    const names = instanceResourceNames('i');
    const s = mariadbInstanceSettings(names, 'mariadb-single-nano', {
      databases: ['reports'],
    });
    assert.deepEqual(s, { maxUserConnections: 10, extraDatabases: [`${names.database}_reports`] });
  });
});
