import type { EngineKind } from '../catalog/engineOfferings.js';
import type { InstanceRecord, InstanceState, Queryable } from './stateRecords.js';

interface InstanceRow {
  id: string;
  engine: string;
  service_id: string;
  service_name: string;
  plan_id: string;
  plan_name: string;
  parameters: Record<string, unknown>;
  context: Record<string, unknown>;
  organization_guid: string | null;
  space_guid: string | null;
  database_name: string;
  state: string;
  backup_passphrase: Buffer;
  exclude_from_auto_backup: boolean;
  credentials_updated_by_user: boolean;
  created_at: Date;
  updated_at: Date;
  provisioned_at: Date | null;
  deleted_at: Date | null;
}

function toRecord(row: InstanceRow): InstanceRecord {
  return {
    id: row.id,
    engine: row.engine as EngineKind,
    serviceId: row.service_id,
    serviceName: row.service_name,
    planId: row.plan_id,
    planName: row.plan_name,
    parameters: row.parameters,
    context: row.context,
    organizationGuid: row.organization_guid,
    spaceGuid: row.space_guid,
    databaseName: row.database_name,
    state: row.state as InstanceState,
    sealedBackupPassphrase: row.backup_passphrase,
    excludeFromAutoBackup: row.exclude_from_auto_backup,
    credentialsUpdatedByUser: row.credentials_updated_by_user,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    provisionedAt: row.provisioned_at,
    deletedAt: row.deleted_at,
  };
}

/**
 * Serialises every change to one instance (including its creation) until the transaction ends, so
 * concurrent OSB requests for the same id see each other's effects.
 */
export async function lockInstanceId(client: Queryable, instanceId: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('instance'), hashtext($1))", [instanceId]);
}

export async function getInstance(db: Queryable, id: string): Promise<InstanceRecord | undefined> {
  const { rows } = await db.query<InstanceRow>('SELECT * FROM instances WHERE id = $1', [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function listInstances(
  db: Queryable,
  options: { includeDeleted: boolean },
): Promise<InstanceRecord[]> {
  const { rows } = await db.query<InstanceRow>(
    `SELECT * FROM instances ${options.includeDeleted ? '' : "WHERE state <> 'deleted'"} ORDER BY created_at, id`,
  );
  return rows.map(toRecord);
}

/** What a provision request fixes; state, flags and timestamps are the repository's. */
export type NewInstance = Omit<
  InstanceRecord,
  | 'state'
  | 'excludeFromAutoBackup'
  | 'credentialsUpdatedByUser'
  | 'createdAt'
  | 'updatedAt'
  | 'provisionedAt'
  | 'deletedAt'
>;

/** Creates the instance in state `provisioning`; an id whose instance was deleted starts afresh. */
export async function insertInstance(db: Queryable, i: NewInstance): Promise<void> {
  await db.query(
    `INSERT INTO instances (id, engine, service_id, service_name, plan_id, plan_name, parameters, context,
                            organization_guid, space_guid, database_name, state, backup_passphrase)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'provisioning', $12)
     ON CONFLICT (id) DO UPDATE SET
       engine = EXCLUDED.engine, service_id = EXCLUDED.service_id, service_name = EXCLUDED.service_name,
       plan_id = EXCLUDED.plan_id, plan_name = EXCLUDED.plan_name, parameters = EXCLUDED.parameters,
       context = EXCLUDED.context, organization_guid = EXCLUDED.organization_guid,
       space_guid = EXCLUDED.space_guid, database_name = EXCLUDED.database_name, state = 'provisioning',
       backup_passphrase = EXCLUDED.backup_passphrase, exclude_from_auto_backup = false,
       credentials_updated_by_user = false, created_at = now(), updated_at = now(),
       provisioned_at = NULL, deleted_at = NULL`,
    [
      i.id,
      i.engine,
      i.serviceId,
      i.serviceName,
      i.planId,
      i.planName,
      JSON.stringify(i.parameters),
      JSON.stringify(i.context),
      i.organizationGuid,
      i.spaceGuid,
      i.databaseName,
      i.sealedBackupPassphrase,
    ],
  );
}

export async function setInstanceState(db: Queryable, id: string, state: InstanceState): Promise<void> {
  await db.query(
    `UPDATE instances SET state = $2, updated_at = now(),
       provisioned_at = CASE WHEN $2 = 'provisioned' THEN coalesce(provisioned_at, now()) ELSE provisioned_at END,
       deleted_at = CASE WHEN $2 = 'deleted' THEN now() ELSE deleted_at END
     WHERE id = $1`,
    [id, state],
  );
}

/** Records a successful update: the plan and parameters that are now applied. */
export async function applyInstanceUpdate(
  db: Queryable,
  id: string,
  update: { planId: string; planName: string; parameters: Record<string, unknown> },
): Promise<void> {
  await db.query(
    `UPDATE instances SET plan_id = $2, plan_name = $3, parameters = $4, state = 'provisioned', updated_at = now()
     WHERE id = $1`,
    [id, update.planId, update.planName, JSON.stringify(update.parameters)],
  );
}

export async function setInstanceContext(
  db: Queryable,
  id: string,
  context: Record<string, unknown>,
): Promise<void> {
  await db.query('UPDATE instances SET context = $2, updated_at = now() WHERE id = $1', [
    id,
    JSON.stringify(context),
  ]);
}

export async function updateBackupSettings(
  db: Queryable,
  id: string,
  change: {
    sealedBackupPassphrase?: Buffer;
    excludeFromAutoBackup?: boolean;
    credentialsUpdatedByUser?: boolean;
  },
): Promise<void> {
  await db.query(
    `UPDATE instances SET
       backup_passphrase = coalesce($2, backup_passphrase),
       exclude_from_auto_backup = coalesce($3, exclude_from_auto_backup),
       credentials_updated_by_user = coalesce($4, credentials_updated_by_user),
       updated_at = now()
     WHERE id = $1`,
    [
      id,
      change.sealedBackupPassphrase ?? null,
      change.excludeFromAutoBackup ?? null,
      change.credentialsUpdatedByUser ?? null,
    ],
  );
}
