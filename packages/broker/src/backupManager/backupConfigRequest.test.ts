import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../http/httpErrors.js';
import { parseBackupConfigChange } from './backupConfigRequest.js';

const rejects = (pattern: RegExp) => (err: unknown) =>
  err instanceof HttpError && err.status === 400 && pattern.test(err.body.description);

describe('parseBackupConfigChange', () => {
  it('reads each field', () => {
    assert.deepEqual(
      parseBackupConfigChange({ encryption_key: 'long enough', exclude_from_auto_backup: true }),
      {
        encryptionKey: 'long enough',
        excludeFromAutoBackup: true,
      },
    );
    assert.deepEqual(parseBackupConfigChange({ credentials_updated_by_user: false }), {
      credentialsUpdatedByUser: false,
    });
  });

  it('explains what is wrong', () => {
    assert.throws(() => parseBackupConfigChange({}), rejects(/changes nothing/));
    assert.throws(() => parseBackupConfigChange('x'), rejects(/JSON object body/));
    assert.throws(
      () => parseBackupConfigChange({ encryption_key: 'short' }),
      rejects(/at least 8 characters/),
    );
    assert.throws(
      () => parseBackupConfigChange({ exclude_from_auto_backup: 'yes' }),
      rejects(/true or false/),
    );
    assert.throws(() => parseBackupConfigChange({ retention: 3 }), rejects(/Unknown field\(s\) retention/));
  });
});
