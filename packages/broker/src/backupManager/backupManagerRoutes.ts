import { badRequest } from '../http/httpErrors.js';
import type { Route } from '../http/router.js';
import { healthRoutes } from '../osb/osbRoutes.js';
import { listInstances } from '../state/instanceRepository.js';
import type { Pool } from 'pg';
import { parseBackupConfigChange } from './backupConfigRequest.js';
import type { BackupService } from './backupService.js';
import { backupView, instanceConfigView, restoreView } from './backupViews.js';

function numericId(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d{1,15}$/.test(value))
    throw badRequest(`The ${what} id "${value ?? ''}" is not a number.`);
  return Number(value);
}

/** The a9s backup-manager API (reference section 6.10), with its status codes. */
export function backupManagerRoutes(
  pool: Pool,
  backups: BackupService,
  healthProblems: () => string[],
): Route[] {
  const instanceId = (params: Record<string, string>) => params.instance_id ?? '';
  return [
    ...healthRoutes(healthProblems),
    {
      method: 'GET',
      pattern: '/instances',
      handler: async () => ({
        status: 200,
        body: (await listInstances(pool, { includeDeleted: false })).map((i) => ({
          id: i.id,
          service: i.serviceName,
        })),
      }),
    },
    {
      method: 'POST',
      pattern: '/instances/:instance_id/backups',
      handler: async (r) => {
        const backup = await backups.createBackup(instanceId(r.params));
        return { status: 201, body: { id: backup.id, message: `Backup ${backup.id} is queued.` } };
      },
    },
    {
      method: 'GET',
      pattern: '/instances/:instance_id/backups',
      handler: async (r) => ({
        status: 200,
        body: (await backups.listBackups(instanceId(r.params))).map(backupView),
      }),
    },
    {
      method: 'GET',
      pattern: '/instances/:instance_id/backups/:backup_id',
      handler: async (r) => ({
        status: 200,
        body: backupView(
          await backups.getBackup(instanceId(r.params), numericId(r.params.backup_id, 'backup')),
        ),
      }),
    },
    {
      method: 'DELETE',
      pattern: '/instances/:instance_id/backups/:backup_id',
      handler: async (r) => ({
        status: 200,
        body: {
          message: await backups.deleteBackup(instanceId(r.params), numericId(r.params.backup_id, 'backup')),
        },
      }),
    },
    {
      method: 'POST',
      pattern: '/instances/:instance_id/backups/:backup_id/restore',
      handler: async (r) => {
        const restore = await backups.createRestore(
          instanceId(r.params),
          numericId(r.params.backup_id, 'backup'),
        );
        return { status: 202, body: { id: restore.id } };
      },
    },
    {
      method: 'GET',
      pattern: '/instances/:instance_id/restores',
      handler: async (r) => ({
        status: 200,
        body: (await backups.listRestores(instanceId(r.params))).map(restoreView),
      }),
    },
    {
      method: 'GET',
      pattern: '/instances/:instance_id/restores/:restore_id',
      handler: async (r) => ({
        status: 200,
        body: restoreView(
          await backups.getRestore(instanceId(r.params), numericId(r.params.restore_id, 'restore')),
        ),
      }),
    },
    {
      method: 'GET',
      pattern: '/instances/:instance_id/config',
      handler: async (r) => ({
        status: 200,
        body: instanceConfigView(await backups.instanceConfig(instanceId(r.params))),
      }),
    },
    {
      method: 'PUT',
      pattern: '/instances/:instance_id',
      handler: async (r) => {
        await backups.updateInstanceConfig(instanceId(r.params), parseBackupConfigChange(r.body));
        return { status: 200, body: { message: 'The instance settings are updated.' } };
      },
    },
  ];
}
