import { parameterSchema } from './parameterSchema.js';
import type { ParameterCatalog } from './parameterSchema.js';

/** The MariaDB broker keys (reference section 7.2) that the sandbox applies to an instance. */
export const mariadbParameterCatalog: ParameterCatalog = {
  schema: parameterSchema({
    databases: {
      type: 'array',
      uniqueItems: true,
      maxItems: 16,
      items: { type: 'string', pattern: '^[A-Za-z0-9_]+$', minLength: 1, maxLength: 32 },
      description:
        'Extra databases to create next to the default one (letters, digits and underscores, at most 32 ' +
        'characters each). Binding users get all privileges on them. Removing a name keeps the database.',
    },
    grant_performance_schema_permissions: {
      type: 'boolean',
      description:
        'Whether the users that bindings create may read the Performance Schema. The sandbox accepts only ' +
        'false: on its shared server the Performance Schema shows the statements of every other instance.',
    },
  }),
  serverLevelKeys: {
    binlog_expire_days: 'the binary log belongs to the whole server',
  },
  refusedValues: {
    grant_performance_schema_permissions: {
      true: "MariaDB server: the Performance Schema shows every session's statements, other instances' included",
    },
  },
};
