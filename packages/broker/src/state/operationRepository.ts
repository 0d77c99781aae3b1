import type {
  OperationKind,
  OperationRecord,
  OperationState,
  OperationTarget,
  Queryable,
} from './stateRecords.js';

interface OperationRow {
  id: string;
  instance_id: string;
  kind: string;
  state: string;
  description: string;
  target: OperationTarget | null;
  created_at: Date;
  updated_at: Date;
}

function toRecord(row: OperationRow): OperationRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    kind: row.kind as OperationKind,
    state: row.state as OperationState,
    description: row.description,
    target: row.target,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertOperation(
  db: Queryable,
  op: {
    id: string;
    instanceId: string;
    kind: OperationKind;
    description: string;
    target: OperationTarget | null;
    originatingIdentity: unknown;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO operations (id, instance_id, kind, state, description, target, originating_identity)
     VALUES ($1, $2, $3, 'in progress', $4, $5, $6)`,
    [
      op.id,
      op.instanceId,
      op.kind,
      op.description,
      op.target ? JSON.stringify(op.target) : null,
      op.originatingIdentity === undefined ? null : JSON.stringify(op.originatingIdentity),
    ],
  );
}

export async function getOperation(db: Queryable, id: string): Promise<OperationRecord | undefined> {
  const { rows } = await db.query<OperationRow>('SELECT * FROM operations WHERE id = $1', [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function latestOperation(
  db: Queryable,
  instanceId: string,
): Promise<OperationRecord | undefined> {
  const { rows } = await db.query<OperationRow>(
    'SELECT * FROM operations WHERE instance_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
    [instanceId],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function operationInProgress(
  db: Queryable,
  instanceId: string,
): Promise<OperationRecord | undefined> {
  const { rows } = await db.query<OperationRow>(
    "SELECT * FROM operations WHERE instance_id = $1 AND state = 'in progress' ORDER BY created_at DESC LIMIT 1",
    [instanceId],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function listOperationsInProgress(db: Queryable): Promise<OperationRecord[]> {
  const { rows } = await db.query<OperationRow>(
    "SELECT * FROM operations WHERE state = 'in progress' ORDER BY created_at, id",
  );
  return rows.map(toRecord);
}

/**
 * The number of unfinished operations over all instances, counted under a transaction-level lock
 * so that two requests admitting an operation at the same moment cannot both see the last slot.
 */
export async function countOperationsInProgressLocked(db: Queryable): Promise<number> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext('klutch-broker operation admission'))");
  const { rows } = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM operations WHERE state = 'in progress'",
  );
  return Number(rows[0]?.n ?? 0);
}

export async function finishOperation(
  db: Queryable,
  id: string,
  state: Exclude<OperationState, 'in progress'>,
  description: string,
): Promise<void> {
  await db.query('UPDATE operations SET state = $2, description = $3, updated_at = now() WHERE id = $1', [
    id,
    state,
    description,
  ]);
}
