import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backupObservation,
  restorableBackup,
  restoreDeletionBlocked,
  restoreObservation,
} from './backupManagerStates.js';

void describe('backup observations', () => {
  void it('maps every backup-manager status', () => {
    assert.equal(backupObservation('queued').ready.reason, 'Creating');
    assert.equal(backupObservation('running').inProgress, true);
    assert.equal(backupObservation('done').ready.reason, 'Available');
    assert.equal(backupObservation('failed').ready.reason, 'Unavailable');
    const deleted = backupObservation('deleted');
    assert.equal(deleted.ready.reason, 'Unavailable');
    assert.equal(deleted.ready.message, 'Backup has been deleted at the backup manager.');
    assert.equal(deleted.error, undefined);
  });

  void it('reports an unknown status with its value', () => {
    assert.match(backupObservation('exploded').error ?? '', /unknown status "exploded"/);
    assert.match(restoreObservation(undefined).error ?? '', /unknown status null/);
  });

  void it('maps restore states', () => {
    assert.equal(restoreObservation('done').ready.message, 'Restore completed successfully.');
    assert.equal(restoreObservation('running').ready.reason, 'Creating');
    assert.equal(restoreObservation('failed').ready.reason, 'Unavailable');
  });
});

void describe('restore preconditions', () => {
  void it('restores only finished backups', () => {
    assert.equal(restorableBackup('b', 'done'), undefined);
    assert.deepEqual(restorableBackup('b', 'running')?.wait, true);
    assert.deepEqual(restorableBackup('b', undefined)?.wait, true);
    const failed = restorableBackup('b', 'failed');
    assert.equal(failed?.wait, false);
    assert.match(failed?.message ?? '', /backup b has failed/);
    assert.equal(restorableBackup('b', 'deleted')?.wait, false);
  });

  void it('delays deletion of a running restore', () => {
    assert.match(restoreDeletionBlocked('queued') ?? '', /still queued/);
    assert.match(restoreDeletionBlocked('running') ?? '', /still running/);
    assert.equal(restoreDeletionBlocked('done'), undefined);
    assert.equal(restoreDeletionBlocked(undefined), undefined);
  });
});
