import type { QueryResult, QueryResultRow } from 'pg';
import type { EngineKind } from '../catalog/engineOfferings.js';

/** A pool or a client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

export type InstanceState =
  'provisioning' | 'provisioned' | 'updating' | 'deprovisioning' | 'deleted' | 'failed';

export interface InstanceRecord {
  id: string;
  engine: EngineKind;
  serviceId: string;
  serviceName: string;
  planId: string;
  planName: string;
  /** The parameters that are applied (an update's target lives on its operation until it succeeds). */
  parameters: Record<string, unknown>;
  context: Record<string, unknown>;
  organizationGuid: string | null;
  spaceGuid: string | null;
  databaseName: string;
  state: InstanceState;
  /** Sealed with the state key: the passphrase new backups are encrypted with. */
  sealedBackupPassphrase: Buffer;
  excludeFromAutoBackup: boolean;
  credentialsUpdatedByUser: boolean;
  createdAt: Date;
  updatedAt: Date;
  provisionedAt: Date | null;
  deletedAt: Date | null;
}

export type OperationKind = 'provision' | 'update' | 'deprovision';
export type OperationState = 'in progress' | 'succeeded' | 'failed';

/** What a provision or update operation is to reach. */
export interface OperationTarget {
  planId: string;
  planName: string;
  parameters: Record<string, unknown>;
}

export interface OperationRecord {
  id: string;
  instanceId: string;
  kind: OperationKind;
  state: OperationState;
  description: string;
  target: OperationTarget | null;
  createdAt: Date;
  updatedAt: Date;
}

export type BindingStatus = 'creating' | 'created';

export interface BindingRecord {
  id: string;
  instanceId: string;
  serviceId: string;
  planId: string;
  username: string;
  /** Sealed with the state key: the credentials returned on bind and on fetch. */
  sealedCredentials: Buffer;
  status: BindingStatus;
  predecessorBindingId: string | null;
  parameters: Record<string, unknown>;
  context: Record<string, unknown>;
  bindResource: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The backup-manager statuses (reference section 6.6). */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'deleted';

export interface BackupRecord {
  id: number;
  instanceId: string;
  status: JobStatus;
  message: string;
  sizeBytes: number;
  filePath: string;
  /** Sealed with the state key: the AES key of this backup file. */
  sealedKey: Buffer;
  triggeredAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface RestoreRecord {
  id: number;
  instanceId: string;
  backupId: number;
  status: JobStatus;
  message: string;
  triggeredAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}
