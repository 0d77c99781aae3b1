import { boolean, dateTime, enumOf, integer, object, required, string } from '../schema/builders.js';
import { crossplaneConditions } from '../common/conditions.js';
import { ageColumn, conditionColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { dataServicesCategories, dataServicesGroup, dataServicesVersion } from './group.js';
import { claimSurfaceFields, managedStatus } from './claimSurface.js';
import { observedGeneration } from './instanceCommon.js';
import { sameNamespaceRef, serviceInstanceType } from './referenceFields.js';

/** States the backup manager reports for backups and restores. */
export const backupStates = ['queued', 'running', 'done', 'failed', 'deleted'] as const;

export const backupSpec = object(
  {
    instanceRef: required(
      sameNamespaceRef(
        'Name of the data-service instance (e.g. a PostgresqlInstance) in this namespace to back up.',
        'Backup',
      ),
    ),
    serviceInstanceType: required(serviceInstanceType('Backup')),
    ...claimSurfaceFields('a9s-backup'),
  },
  { description: 'Which instance to back up. A Backup is taken once, when it is created.' },
);

export const backupStatus = object(
  {
    conditions: crossplaneConditions,
    observedGeneration,
    managed: managedStatus,
    backupId: string({ description: 'Identifier of the backup at the backup manager.' }),
    state: enumOf(backupStates, {
      description: 'Progress of the backup: queued, running, done, failed or deleted.',
    }),
    size: integer({ description: 'Size of the backup in bytes.', format: 'int64', minimum: 0 }),
    triggeredAt: dateTime({ description: 'When the backup was started.' }),
    finishedAt: dateTime({ description: 'When the backup finished.' }),
    downloadable: boolean({ description: 'Whether the backup can be downloaded from the backup manager.' }),
  },
  { description: 'Observed state of the backup. Ready=True means it is done and can be restored.' },
);

export const backupKind = defineKind({
  group: dataServicesGroup,
  version: dataServicesVersion,
  kind: 'Backup',
  plural: 'backups',
  scope: 'Namespaced',
  categories: dataServicesCategories,
  description:
    'A backup of a data-service instance, taken once when the object is created. Restore it with a Restore.',
  spec: backupSpec,
  status: backupStatus,
  printerColumns: [
    { name: 'Instance', type: 'string', jsonPath: '.spec.instanceRef' },
    { name: 'Type', type: 'string', jsonPath: '.spec.serviceInstanceType', priority: 1 },
    { name: 'State', type: 'string', jsonPath: '.status.state' },
    conditionColumn('Ready', 'Ready', 'status'),
    conditionColumn('Message', 'Ready', 'message'),
    ageColumn,
  ],
});

export type Backup = ObjectOf<typeof backupKind>;
export type BackupSpec = SpecOf<typeof backupKind>;
export type BackupStatus = StatusOf<typeof backupKind>;
