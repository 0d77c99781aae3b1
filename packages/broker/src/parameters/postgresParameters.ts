import { parameterSchema } from './parameterSchema.js';
import type { ParameterCatalog, PropertySchema } from './parameterSchema.js';

const maxInt32 = 2147483647;

function memorySize(what: string): PropertySchema {
  return {
    type: 'string',
    pattern: '^[1-9][0-9]*(kB|MB|GB|TB)$',
    description: `${what} A positive size with a unit, e.g. 64MB (units kB, MB, GB, TB).`,
  };
}

function milliseconds(what: string): PropertySchema {
  return {
    type: 'integer',
    minimum: 0,
    maximum: maxInt32,
    description: `${what} In milliseconds; 0 disables it.`,
  };
}

function levels(what: string, values: readonly string[]): PropertySchema {
  // PostgreSQL accepts both cases; the app-facing API uses upper case.
  return {
    type: 'string',
    enum: [...values, ...values.map((v) => v.toLowerCase())],
    description: `${what} One of ${values.join(', ')}.`,
  };
}

const clientLevels = ['DEBUG5', 'DEBUG4', 'DEBUG3', 'DEBUG2', 'DEBUG1', 'LOG', 'NOTICE', 'WARNING', 'ERROR'];
const serverLevels = [
  'DEBUG5',
  'DEBUG4',
  'DEBUG3',
  'DEBUG2',
  'DEBUG1',
  'INFO',
  'NOTICE',
  'WARNING',
  'ERROR',
  'LOG',
  'FATAL',
  'PANIC',
];

/**
 * The PostgreSQL broker keys (reference section 7.2) that the sandbox applies to an instance's
 * database (ALTER DATABASE ... SET / CONNECTION LIMIT) or to its binding roles (role_privileges).
 */
export const postgresParameterCatalog: ParameterCatalog = {
  schema: parameterSchema({
    max_connections: {
      type: 'integer',
      minimum: 1,
      maximum: 10000,
      description: 'Maximum number of concurrent connections to the database (default: from the plan size).',
    },
    effective_cache_size: memorySize(
      'The query planner’s assumption about the disk cache available to one query.',
    ),
    work_mem: memorySize(
      'Memory for sorts and hash tables of one operation before temporary files are used.',
    ),
    maintenance_work_mem: memorySize('Memory for maintenance operations such as VACUUM and CREATE INDEX.'),
    temp_file_limit: {
      type: 'integer',
      minimum: -1,
      maximum: maxInt32,
      not: { enum: [0] },
      description:
        'Disk space in kB one process may use for temporary files: -1 (no limit) or a positive number.',
    },
    track_io_timing: {
      type: 'string',
      enum: ['on', 'off'],
      description: 'Whether I/O calls are timed: on or off.',
    },
    statement_timeout: milliseconds('Time after which a statement is aborted.'),
    idle_in_transaction_session_timeout: milliseconds(
      'Time after which a session that is idle inside a transaction is terminated.',
    ),
    role_privileges: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: ['CREATEDB', 'CREATEROLE', 'REPLICATION'] },
      description:
        'Extra privileges of the users that bindings create. The a9s API offers CREATEDB, CREATEROLE and ' +
        'REPLICATION; the sandbox refuses all three, because on its shared server their effect would not ' +
        'stay inside the instance.',
    },
    synchronous_commit: {
      type: 'string',
      enum: ['on', 'off', 'local', 'remote_write', 'remote_apply'],
      description:
        'How much WAL processing completes before a commit is reported: on, off, local, remote_write or remote_apply.',
    },
    client_min_messages: levels('Lowest message level sent to clients.', clientLevels),
    pg_log_min_messages: levels('Lowest message level written to the server log.', serverLevels),
    pg_log_min_error_statement: levels(
      'Lowest error level at which the failing statement is logged.',
      serverLevels,
    ),
    log_statement: {
      type: 'string',
      enum: ['none', 'ddl', 'mod', 'all'],
      description: 'Which statements are logged: none, ddl, mod or all.',
    },
    log_error_verbosity: levels('How much detail is logged for each message.', [
      'DEFAULT',
      'VERBOSE',
      'TERSE',
    ]),
  }),
  serverLevelKeys: {
    data_checksums: 'data checksums are chosen when the server is initialised and cannot differ per database',
    archive_timeout: 'WAL archiving is configured for the whole server',
    wal_level_logical: 'the WAL level is a server setting that needs a restart',
    wal_writer_delay: 'the WAL writer is shared by the whole server',
    max_replication_slots: 'replication slots are limited for the whole server',
    max_wal_senders: 'WAL senders are limited for the whole server',
  },
  refusedValues: {
    role_privileges: {
      CREATEROLE:
        'PostgreSQL server: it would let the role take over other databases (on PostgreSQL 15 and older a ' +
        'CREATEROLE role can grant itself any non-superuser role, e.g. pg_execute_server_program, and change ' +
        "other tenants' passwords)",
      REPLICATION:
        'PostgreSQL server: a replication connection streams the whole server, every other database included',
      CREATEDB:
        'PostgreSQL server: databases the role creates would belong to no instance, so deprovisioning could ' +
        'not remove them',
    },
  },
};
