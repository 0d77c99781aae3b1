import { array, boolean, enumOf, integer, object, string } from '../schema/builders.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { defineInstanceKind } from './instanceCommon.js';
import type { DataServiceCatalog } from './instanceCommon.js';
import { goMessages } from './planRules.js';

type Tls = '' | '-ssl';
type Stemcell = '' | '-bionic';
export type PostgresqlPlan =
  | `postgresql-single-${'nano' | 'small' | 'big'}${Tls}${Stemcell}`
  | `postgresql-replica-${'small' | 'big'}${Tls}${Stemcell}`;

function postgresqlPlans(): PostgresqlPlan[] {
  const plans: PostgresqlPlan[] = [];
  for (const topology of ['single', 'replica']) {
    for (const size of ['nano', 'small', 'big']) {
      // Clusters start at small: a nano VM is too small to run three nodes.
      if (topology === 'replica' && size === 'nano') continue;
      for (const ssl of ['', '-ssl']) {
        for (const bionic of ['', '-bionic'])
          plans.push(`postgresql-${topology}-${size}${ssl}${bionic}` as PostgresqlPlan);
      }
    }
  }
  return plans;
}

export const postgresqlCatalog = {
  type: 'postgresql',
  product: 'a9s PostgreSQL',
  services: ['a9s-postgresql13', 'a9s-postgresql15', 'a9s-postgresql17'] as const,
  plans: postgresqlPlans() as readonly PostgresqlPlan[],
  planPolicy: {
    product: 'PostgreSQL',
    sizes: ['nano', 'small', 'big'],
    clusteredMarker: '-replica-',
    singleToClustered: true,
    fixedMarkers: [
      { marker: '-ssl', meaning: 'SSL' },
      { marker: '-bionic', meaning: 'bionic' },
    ],
  },
} satisfies DataServiceCatalog<readonly string[], readonly string[]>;

const memorySize = (what: string) =>
  string({
    description: `${what} A size with a unit, e.g. 64MB or 4GB (units kB, MB, GB, TB).`,
    rules: [
      {
        rule: "self.matches('^[1-9][0-9]*(kB|MB|GB|TB)$')",
        message: 'must be a positive size with a unit, e.g. 64MB or 4GB (units kB, MB, GB, TB).',
      },
    ],
  });

const messageLevels = [
  'DEBUG5',
  'DEBUG4',
  'DEBUG3',
  'DEBUG2',
  'DEBUG1',
  'LOG',
  'NOTICE',
  'WARNING',
  'ERROR',
] as const;
const logLevels = [
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
] as const;

export const postgresqlParameters = object(
  {
    dataChecksums: enumOf(['enabled', 'disabled'], {
      description:
        'Checksums on data pages, to detect corruption by the storage that would otherwise go unnoticed.',
    }),
    maxConnections: integer({ description: 'Maximum number of concurrent connections.', minimum: 1 }),
    effectiveCacheSize: memorySize(
      'The assumption of the query planner about the disk cache available to one query.',
    ),
    workMem: memorySize('Memory for sorts and hash tables of one operation before temporary files are used.'),
    maintenanceWorkMem: memorySize('Memory for maintenance operations such as VACUUM and CREATE INDEX.'),
    tempFileLimit: integer({
      description: 'Disk space in kB one process may use for temporary files; -1 means no limit.',
      minimum: -1,
      rules: [
        {
          rule: 'self == -1 || self > 0',
          message: 'must be -1 (no limit) or a positive number of kilobytes.',
        },
      ],
    }),
    trackIoTiming: enumOf(['on', 'off'], { description: 'Whether database I/O calls are timed.' }),
    archiveTimeout: integer({
      description: 'Seconds after which the server switches to a new WAL segment file; 0 disables it.',
      minimum: 0,
    }),
    statementTimeout: integer({
      description: 'Milliseconds after which a statement is aborted; 0 disables the timeout.',
      minimum: 0,
    }),
    idleInTransactionSessionTimeout: integer({
      description:
        'Milliseconds after which a session idle inside a transaction is terminated; 0 disables it.',
      minimum: 0,
    }),
    rolePrivileges: array(
      enumOf(['CREATEDB', 'CREATEROLE', 'REPLICATION'], { description: 'A role privilege.' }),
      {
        description: 'Extra privileges of the users that service bindings create.',
        listType: 'set',
      },
    ),
    walLevelLogical: boolean({ description: 'true sets wal_level to logical (for logical replication).' }),
    walWriterDelay: integer({
      description: 'Milliseconds between WAL writer flushes.',
      minimum: 1,
      maximum: 10000,
    }),
    maxReplicationSlots: integer({ description: 'Maximum number of replication slots.', minimum: 0 }),
    maxWalSenders: integer({ description: 'Maximum number of WAL sender processes per node.', minimum: 0 }),
    synchronousCommit: enumOf(['on', 'off', 'local', 'remote_write', 'remote_apply'], {
      description: 'How much WAL processing must complete before a commit is reported as successful.',
    }),
    clientMinMessages: enumOf(messageLevels, { description: 'Lowest message level sent to clients.' }),
    logMinMessages: enumOf(logLevels, { description: 'Lowest message level written to the server log.' }),
    logMinErrorStatement: enumOf(logLevels, {
      description: 'Lowest error level at which the failing SQL statement is logged.',
    }),
    logStatement: enumOf(['none', 'ddl', 'mod', 'all'], { description: 'Which SQL statements are logged.' }),
    logErrorVerbosity: enumOf(['DEFAULT', 'VERBOSE', 'TERSE'], {
      description: 'How much detail is logged for each message.',
    }),
  },
  { description: 'PostgreSQL settings applied by the broker. Changing them updates the running instance.' },
);

export const postgresqlInstanceKind = defineInstanceKind({
  kind: 'PostgresqlInstance',
  plural: 'postgresqlinstances',
  catalog: postgresqlCatalog,
  parameters: postgresqlParameters,
  specRules: [
    {
      rule: "!self.plan.contains('-bionic') || self.service == 'a9s-postgresql13'",
      message: `${goMessages.bionicService} Bionic plans (ending in -bionic) exist only for a9s-postgresql13; choose a plan without -bionic or the service a9s-postgresql13.`,
      fieldPath: '.plan',
    },
  ],
});

export type PostgresqlInstance = ObjectOf<typeof postgresqlInstanceKind>;
export type PostgresqlInstanceSpec = SpecOf<typeof postgresqlInstanceKind>;
export type PostgresqlInstanceStatus = StatusOf<typeof postgresqlInstanceKind>;
