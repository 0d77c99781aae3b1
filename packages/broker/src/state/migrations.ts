/**
 * The state schema, as an append-only list: a released migration is never edited, a change is a new
 * entry. Each runs once, in order, inside one transaction with the others of the same start.
 */
export const stateMigrations: ReadonlyArray<{ version: number; description: string; sql: string }> = [
  {
    version: 1,
    description: 'instances, operations, bindings, backups and restores',
    sql: `
      CREATE TABLE broker_settings (
        name text PRIMARY KEY,
        value text NOT NULL
      );
      CREATE TABLE instances (
        id text PRIMARY KEY,
        engine text NOT NULL,
        service_id text NOT NULL,
        service_name text NOT NULL,
        plan_id text NOT NULL,
        plan_name text NOT NULL,
        parameters jsonb NOT NULL DEFAULT '{}',
        context jsonb NOT NULL DEFAULT '{}',
        organization_guid text,
        space_guid text,
        database_name text NOT NULL,
        state text NOT NULL,
        backup_passphrase bytea NOT NULL,
        exclude_from_auto_backup boolean NOT NULL DEFAULT false,
        credentials_updated_by_user boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        provisioned_at timestamptz,
        deleted_at timestamptz
      );
      CREATE TABLE operations (
        id text PRIMARY KEY,
        instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
        kind text NOT NULL,
        state text NOT NULL,
        description text NOT NULL DEFAULT '',
        target jsonb,
        originating_identity jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX operations_by_instance ON operations (instance_id, created_at DESC);
      CREATE INDEX operations_in_progress ON operations (created_at) WHERE state = 'in progress';
      CREATE TABLE bindings (
        id text PRIMARY KEY,
        instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
        service_id text NOT NULL,
        plan_id text NOT NULL,
        username text NOT NULL,
        credentials bytea NOT NULL,
        status text NOT NULL,
        predecessor_binding_id text,
        parameters jsonb NOT NULL DEFAULT '{}',
        context jsonb NOT NULL DEFAULT '{}',
        bind_resource jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX bindings_by_instance ON bindings (instance_id);
      CREATE TABLE backups (
        id bigserial PRIMARY KEY,
        instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
        status text NOT NULL,
        message text NOT NULL DEFAULT '',
        size_bytes bigint NOT NULL DEFAULT 0,
        file_path text NOT NULL,
        encryption_key bytea NOT NULL,
        triggered_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      );
      CREATE INDEX backups_by_instance ON backups (instance_id, id);
      CREATE TABLE restores (
        id bigserial PRIMARY KEY,
        instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
        backup_id bigint NOT NULL REFERENCES backups (id) ON DELETE CASCADE,
        status text NOT NULL,
        message text NOT NULL DEFAULT '',
        triggered_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      );
      CREATE INDEX restores_by_instance ON restores (instance_id, id);
    `,
  },
];
