import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterIdOf, dataServiceApis } from './appClusterBinding.js';
import { offeredServiceTypes } from './dataServicesStack.js';

describe('sandbox binding helpers', () => {
  it('derives a stable six-character cluster id from the klutch-bind namespace UID', () => {
    const id = clusterIdOf('0b6c2f1e-5d34-4c8e-9a51-7f2d3e4b5a69');
    assert.match(id, /^[0-9A-Za-z]{6}$/);
    assert.equal(clusterIdOf('0b6c2f1e-5d34-4c8e-9a51-7f2d3e4b5a69'), id);
    assert.notEqual(clusterIdOf('another-uid'), id);
  });

  it('exports the offered instance APIs plus bindings (claiming their Secrets), backups and restores', () => {
    const apis = dataServiceApis(['mariadb', 'postgresql']);
    assert.deepEqual(
      apis.map((a) => a.resource),
      ['mariadbinstances', 'postgresqlinstances', 'servicebindings', 'backups', 'restores'],
    );
    const bindings = apis.find((a) => a.resource === 'servicebindings');
    assert.deepEqual(bindings?.permissionClaims, [
      { group: '', resource: 'secrets', version: 'v1', selector: { owner: 'Provider' } },
    ]);
  });

  it('reads the offered service types from a broker catalog', () => {
    const catalog = {
      services: [{ name: 'a9s-postgresql13' }, { name: 'a9s-postgresql17' }, { name: 'a9s-mariadb1011' }],
    };
    assert.deepEqual(offeredServiceTypes(catalog), ['mariadb', 'postgresql']);
  });
});
