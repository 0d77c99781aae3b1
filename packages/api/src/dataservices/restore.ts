import { crossplaneConditions } from '../common/conditions.js';
import { dateTime, enumOf, object, required, string } from '../schema/builders.js';
import { ageColumn, conditionColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { backupStates } from './backup.js';
import { dataServicesCategories, dataServicesGroup, dataServicesVersion } from './group.js';
import { claimSurfaceFields, managedStatus } from './claimSurface.js';
import { observedGeneration } from './instanceCommon.js';
import { sameNamespaceRef, serviceInstanceType } from './referenceFields.js';

export const restoreSpec = object(
  {
    backupRef: required(
      sameNamespaceRef(
        'Name of the Backup in this namespace to restore into the instance it was taken from.',
        'Restore',
      ),
    ),
    serviceInstanceType: required(serviceInstanceType('Restore')),
    // Klutch v1.5 needs it only for its a8s compositions; the a9s backup manager restores into the
    // instance the backup was taken from, so it is accepted and not used.
    instanceRef: sameNamespaceRef(
      'Accepted for Klutch v1.5 compatibility and ignored: the backup is always restored into the instance it was taken from.',
      'Restore',
    ),
    ...claimSurfaceFields('a9s-restore'),
  },
  { description: 'Which backup to restore. A Restore runs once, when it is created.' },
);

export const restoreStatus = object(
  {
    conditions: crossplaneConditions,
    observedGeneration,
    managed: managedStatus,
    restoreId: string({ description: 'Identifier of the restore at the backup manager.' }),
    state: enumOf(backupStates, {
      description: 'Progress of the restore: queued, running, done, failed or deleted.',
    }),
    triggeredAt: dateTime({ description: 'When the restore was started.' }),
    finishedAt: dateTime({ description: 'When the restore finished.' }),
  },
  { description: 'Observed state of the restore. Ready=True means the data was restored.' },
);

export const restoreKind = defineKind({
  group: dataServicesGroup,
  version: dataServicesVersion,
  kind: 'Restore',
  plural: 'restores',
  scope: 'Namespaced',
  categories: dataServicesCategories,
  description:
    'Restores a Backup into the instance it was taken from. A running restore cannot be cancelled: deleting the object waits until it has finished.',
  spec: restoreSpec,
  status: restoreStatus,
  printerColumns: [
    { name: 'Backup', type: 'string', jsonPath: '.spec.backupRef' },
    { name: 'Type', type: 'string', jsonPath: '.spec.serviceInstanceType', priority: 1 },
    { name: 'State', type: 'string', jsonPath: '.status.state' },
    conditionColumn('Ready', 'Ready', 'status'),
    conditionColumn('Message', 'Ready', 'message'),
    ageColumn,
  ],
});

export type Restore = ObjectOf<typeof restoreKind>;
export type RestoreSpec = SpecOf<typeof restoreKind>;
export type RestoreStatus = StatusOf<typeof restoreKind>;
