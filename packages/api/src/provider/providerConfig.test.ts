import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveServiceType } from './providerConfig.js';

void describe('effectiveServiceType', () => {
  void it('uses the explicit serviceType when set', () => {
    assert.equal(effectiveServiceType('postgresql-backup-manager', 'servicebroker'), 'servicebroker');
    assert.equal(effectiveServiceType('anything', 'backupmanager'), 'backupmanager');
  });

  void it('falls back to the naming convention of configs without serviceType', () => {
    assert.equal(effectiveServiceType('postgresql-backup-manager', undefined), 'backupmanager');
    assert.equal(effectiveServiceType('postgresql-service-broker', undefined), 'servicebroker');
    assert.equal(effectiveServiceType('my-broker', undefined), 'servicebroker');
  });
});
