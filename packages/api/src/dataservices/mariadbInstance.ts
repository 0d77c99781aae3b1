import { array, boolean, integer, object, string } from '../schema/builders.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { defineInstanceKind } from './instanceCommon.js';
import type { DataServiceCatalog } from './instanceCommon.js';
import { goMessages } from './planRules.js';

export const mariadbCatalog = {
  type: 'mariadb',
  product: 'a9s MariaDB',
  services: ['a9s-mariadb106', 'a9s-mariadb1011'] as const,
  plans: [
    'mariadb-single-nano',
    'mariadb-single-small',
    'mariadb-single-big',
    'mariadb-single-nano-ssl',
    'mariadb-single-small-ssl',
    'mariadb-single-big-ssl',
    'mariadb-cluster-small',
    'mariadb-cluster-big',
    'mariadb-cluster-small-ssl',
    'mariadb-cluster-big-ssl',
  ] as const,
  planPolicy: {
    product: 'MariaDB',
    sizes: ['nano', 'small', 'big'],
    clusteredMarker: '-cluster-',
    singleToClustered: true,
    fixedMarkers: [{ marker: '-ssl', meaning: 'SSL' }],
  },
} satisfies DataServiceCatalog<readonly string[], readonly string[]>;

export const mariadbParameters = object(
  {
    binlogExpireDays: integer({
      description: 'Days the binary log is kept before it is purged.',
      minimum: 1,
      maximum: 99,
    }),
    databases: array(
      string({
        description: 'A database name.',
        maxLength: 64,
        rules: [
          {
            rule: "self.matches('^[A-Za-z0-9_]+$')",
            message: 'database names may contain only letters, digits and underscores.',
          },
        ],
      }),
      {
        description: 'Databases to create in addition to the default database.',
        listType: 'set',
        maxItems: 64,
      },
    ),
    grantPerformanceSchemaPermissions: boolean({
      description: 'Whether the users that service bindings create may read the Performance Schema.',
    }),
  },
  { description: 'MariaDB settings applied by the broker.' },
);

export const mariadbInstanceKind = defineInstanceKind({
  kind: 'MariadbInstance',
  plural: 'mariadbinstances',
  catalog: mariadbCatalog,
  parameters: mariadbParameters,
  specRules: [
    {
      rule: "self.service != 'a9s-mariadb1011' || self.plan.endsWith('-ssl')",
      message: `${goMessages.mariadbSsl} a9s-mariadb1011 supports only SSL plans; choose a plan ending in -ssl.`,
      fieldPath: '.plan',
    },
  ],
});

export type MariadbInstance = ObjectOf<typeof mariadbInstanceKind>;
export type MariadbInstanceSpec = SpecOf<typeof mariadbInstanceKind>;
export type MariadbInstanceStatus = StatusOf<typeof mariadbInstanceKind>;
