import { boolean, dateTime, enumOf, integer, object, required, string } from '../schema/builders.js';
import { defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { managedResourceCategories, providerGroup, providerVersion } from './group.js';
import {
  managedResourcePrinterColumns,
  managedResourceSpec,
  managedResourceStatusProps,
} from './managedResource.js';

export const backupManagerStates = ['queued', 'running', 'done', 'failed', 'deleted'] as const;

export const backupForProvider = object(
  {
    instanceName: required(
      string({
        description:
          'Name of the app-facing instance (the claim) to back up; together with the claim-namespace label it identifies the ServiceInstance.',
        minLength: 1,
      }),
    ),
    // Declared by Klutch v1.5 (in the backup manager's snake case) and not used by its controller;
    // accepted so that its manifests apply, and ignored here too.
    encryption_key: string({
      description: 'Accepted for Klutch v1.5 compatibility and ignored: the backup manager keeps the key.',
    }),
    exclude_from_auto_backup: boolean({
      description:
        'Accepted for Klutch v1.5 compatibility and ignored: the backup schedule is configured at the backup manager.',
    }),
    credentials_updated_by_user: boolean({
      description: 'Accepted for Klutch v1.5 compatibility and ignored.',
    }),
  },
  { description: 'The backup to take at the backup manager.' },
);

// Field names follow the backup manager's JSON (snake case) because existing compositions read them.
export const backupObservation = object(
  {
    instanceId: string({ description: 'Broker id of the backed-up instance.' }),
    id: integer({ description: 'Id of the backup at the backup manager.', format: 'int64' }),
    size: integer({ description: 'Size of the backup in bytes.', format: 'int64', minimum: 0 }),
    status: enumOf(backupManagerStates, { description: 'Progress of the backup.' }),
    triggered_at: dateTime({ description: 'When the backup started.' }),
    finished_at: dateTime({ description: 'When the backup finished.' }),
    downloadable: boolean({ description: 'Whether the backup can be downloaded.' }),
  },
  { description: 'The backup as the backup manager reports it.' },
);

export const backupResourceKind = defineKind({
  group: providerGroup,
  version: providerVersion,
  kind: 'Backup',
  plural: 'backups',
  scope: 'Cluster',
  categories: managedResourceCategories,
  description: 'A managed resource: one backup of a service instance at an a9s backup manager.',
  spec: managedResourceSpec(backupForProvider, 'The desired backup and which backup manager takes it.'),
  status: object(managedResourceStatusProps(backupObservation), {
    description: 'Observed state of the backup.',
  }),
  printerColumns: managedResourcePrinterColumns,
});

export type BackupResource = ObjectOf<typeof backupResourceKind>;
export type BackupResourceSpec = SpecOf<typeof backupResourceKind>;
export type BackupResourceStatus = StatusOf<typeof backupResourceKind>;
