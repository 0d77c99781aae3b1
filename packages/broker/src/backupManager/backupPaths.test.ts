import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backupFilePath, instanceBackupDirectory } from './backupPaths.js';

describe('backup paths', () => {
  it('use safe instance ids as they are', () => {
    assert.equal(
      backupFilePath('/b', '0d9b1c7e-5a4b-4b7e-9c1e-2f1f0a1b2c3d', 7),
      '/b/0d9b1c7e-5a4b-4b7e-9c1e-2f1f0a1b2c3d/7.bin',
    );
  });

  it('never let an id escape the backup directory', () => {
    for (const id of ['../../etc', '..', 'a/b', '.hidden', '']) {
      assert.match(instanceBackupDirectory('/b', id), /^\/b\/instance-[0-9a-f]{32}$/);
    }
  });
});
