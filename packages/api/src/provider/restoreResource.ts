import { dateTime, enumOf, integer, object, required, string } from '../schema/builders.js';
import { defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { backupManagerStates } from './backupResource.js';
import { managedResourceCategories, providerGroup, providerVersion } from './group.js';
import {
  managedResourcePrinterColumns,
  managedResourceSpec,
  managedResourceStatusProps,
} from './managedResource.js';

export const restoreForProvider = object(
  {
    backupName: required(
      string({
        description:
          'Name of the app-facing Backup (the claim) to restore; together with the claim-namespace label it identifies the Backup resource.',
        minLength: 1,
      }),
    ),
  },
  { description: 'The restore to run at the backup manager.' },
);

export const restoreObservation = object(
  {
    instanceId: string({ description: 'Broker id of the instance that is restored.' }),
    backupId: integer({ description: 'Id of the restored backup at the backup manager.', format: 'int64' }),
    restoreId: integer({ description: 'Id of the restore at the backup manager.', format: 'int64' }),
    state: enumOf(backupManagerStates, { description: 'Progress of the restore.' }),
    triggeredAt: dateTime({ description: 'When the restore started.' }),
    finishedAt: dateTime({ description: 'When the restore finished.' }),
  },
  { description: 'The restore as the backup manager reports it.' },
);

export const restoreResourceKind = defineKind({
  group: providerGroup,
  version: providerVersion,
  kind: 'Restore',
  plural: 'restores',
  scope: 'Cluster',
  categories: managedResourceCategories,
  description: 'A managed resource: one restore of a backup at an a9s backup manager.',
  spec: managedResourceSpec(restoreForProvider, 'The desired restore and which backup manager runs it.'),
  status: object(managedResourceStatusProps(restoreObservation), {
    description: 'Observed state of the restore.',
  }),
  printerColumns: managedResourcePrinterColumns,
});

export type RestoreResource = ObjectOf<typeof restoreResourceKind>;
export type RestoreResourceSpec = SpecOf<typeof restoreResourceKind>;
export type RestoreResourceStatus = StatusOf<typeof restoreResourceKind>;
