import type { BindingRecord, BindingStatus, Queryable } from './stateRecords.js';

interface BindingRow {
  id: string;
  instance_id: string;
  service_id: string;
  plan_id: string;
  username: string;
  credentials: Buffer;
  status: string;
  predecessor_binding_id: string | null;
  parameters: Record<string, unknown>;
  context: Record<string, unknown>;
  bind_resource: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

function toRecord(row: BindingRow): BindingRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    serviceId: row.service_id,
    planId: row.plan_id,
    username: row.username,
    sealedCredentials: row.credentials,
    status: row.status as BindingStatus,
    predecessorBindingId: row.predecessor_binding_id,
    parameters: row.parameters,
    context: row.context,
    bindResource: row.bind_resource,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function getBinding(db: Queryable, id: string): Promise<BindingRecord | undefined> {
  const { rows } = await db.query<BindingRow>('SELECT * FROM bindings WHERE id = $1', [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function listBindings(db: Queryable, instanceId: string): Promise<BindingRecord[]> {
  const { rows } = await db.query<BindingRow>(
    'SELECT * FROM bindings WHERE instance_id = $1 ORDER BY created_at, id',
    [instanceId],
  );
  return rows.map(toRecord);
}

/** Stored before the database user exists, in status `creating`, so a crash in between is repairable. */
export async function insertBinding(
  db: Queryable,
  b: Omit<BindingRecord, 'status' | 'createdAt' | 'updatedAt'>,
): Promise<void> {
  await db.query(
    `INSERT INTO bindings (id, instance_id, service_id, plan_id, username, credentials, status,
                           predecessor_binding_id, parameters, context, bind_resource)
     VALUES ($1, $2, $3, $4, $5, $6, 'creating', $7, $8, $9, $10)`,
    [
      b.id,
      b.instanceId,
      b.serviceId,
      b.planId,
      b.username,
      b.sealedCredentials,
      b.predecessorBindingId,
      JSON.stringify(b.parameters),
      JSON.stringify(b.context),
      b.bindResource ? JSON.stringify(b.bindResource) : null,
    ],
  );
}

export async function markBindingCreated(db: Queryable, id: string): Promise<void> {
  await db.query("UPDATE bindings SET status = 'created', updated_at = now() WHERE id = $1", [id]);
}

export async function deleteBinding(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM bindings WHERE id = $1', [id]);
}

export async function deleteBindingsOfInstance(db: Queryable, instanceId: string): Promise<void> {
  await db.query('DELETE FROM bindings WHERE instance_id = $1', [instanceId]);
}
