import { crossplaneConditions } from '../common/conditions.js';
import {
  boolean,
  dateTime,
  enumOf,
  immutable,
  integer,
  object,
  required,
  string,
} from '../schema/builders.js';
import type { Schema } from '../schema/builders.js';
import { ageColumn, conditionColumn, defineKind } from '../schema/crd.js';
import type { PrinterColumn } from '../schema/crd.js';
import type { ValidationRule } from '../schema/jsonSchema.js';
import { claimSurfaceFields, managedResourceColumn, managedStatus } from './claimSurface.js';
import { dataServicesCategories, dataServicesGroup, dataServicesVersion } from './group.js';
import { goMessages, planTransitionRules } from './planRules.js';
import type { PlanChangePolicy } from './planRules.js';

/** The value of `serviceInstanceType` on bindings, backups and restores, one per data service. */
export const serviceInstanceTypes = [
  'postgresql',
  'mariadb',
  'mongodb',
  'messaging',
  'search',
  'logme2',
  'prometheus',
  'keyvalue',
] as const;

export type ServiceInstanceType = (typeof serviceInstanceTypes)[number];

export const observedGeneration = integer({
  description: 'The metadata.generation that the status reflects.',
  format: 'int64',
  minimum: 0,
});

export const instanceStatus = object(
  {
    conditions: crossplaneConditions,
    observedGeneration,
    state: string({
      description:
        'State reported by the automation backend, e.g. provisioning, available, updating, deleting or failed.',
    }),
    service: string({ description: 'The service that is provisioned.' }),
    plan: string({
      description: 'The plan that is provisioned; differs from spec.plan while a plan change runs.',
    }),
    provisionedAt: dateTime({ description: 'When the instance was first provisioned.' }),
    updatedAt: dateTime({ description: 'When the backend last changed the instance.' }),
    managed: managedStatus,
  },
  { description: 'Observed state of the instance. Ready=True means it can be bound and used.' },
);

export const instancePrinterColumns: PrinterColumn[] = [
  { name: 'Service', type: 'string', jsonPath: '.spec.service', priority: 1 },
  { name: 'Plan', type: 'string', jsonPath: '.spec.plan' },
  conditionColumn('Ready', 'Ready', 'status'),
  { name: 'State', type: 'string', jsonPath: '.status.state', priority: 1 },
  conditionColumn('Message', 'Ready', 'message'),
  managedResourceColumn,
  ageColumn,
];

export interface DataServiceCatalog<S extends readonly string[], P extends readonly string[]> {
  type: ServiceInstanceType;
  /** Product name used in descriptions and messages, e.g. "a9s PostgreSQL". */
  product: string;
  services: S;
  plans: P;
  planPolicy: PlanChangePolicy;
}

export interface InstanceKindInput<
  K extends string,
  S extends readonly string[],
  P extends readonly string[],
  Params extends Schema<unknown, false>,
> {
  kind: K;
  plural: string;
  catalog: DataServiceCatalog<S, P>;
  parameters: Params;
  /** Rules that relate several spec fields, e.g. service and plan. */
  specRules?: ValidationRule[];
}

export function defineInstanceKind<
  const K extends string,
  const S extends readonly string[],
  const P extends readonly string[],
  Params extends Schema<unknown, false>,
>(input: InstanceKindInput<K, S, P, Params>) {
  const { catalog } = input;
  const spec = object(
    {
      service: required(
        enumOf(catalog.services, {
          description: `The ${catalog.product} service (product and major version) to provision. Fixed after creation.`,
          maxLength: 63,
          rules: [
            immutable(
              `${goMessages.service} spec.service cannot be changed after creation; create a new instance to use another service or version.`,
            ),
          ],
        }),
      ),
      plan: required(
        enumOf(catalog.plans, {
          description: `The service plan: single-node or clustered, its size and whether clients must use TLS (-ssl). Only changes to a bigger size are possible.`,
          maxLength: 63,
          rules: planTransitionRules(catalog.planPolicy),
        }),
      ),
      parameters: input.parameters,
      acceptsIncomplete: boolean({
        description: 'Whether the broker may provision asynchronously; the a9s brokers always need it.',
        default: true,
      }),
      ...claimSurfaceFields(`a9s-${catalog.type}`),
    },
    {
      description: `The desired ${catalog.product} instance.`,
      ...(input.specRules ? { rules: input.specRules } : {}),
    },
  );
  return defineKind({
    group: dataServicesGroup,
    version: dataServicesVersion,
    kind: input.kind,
    plural: input.plural,
    scope: 'Namespaced',
    categories: dataServicesCategories,
    description: `An ${catalog.product} service instance. Bind it with a ServiceBinding to get credentials; back it up with a Backup.`,
    spec,
    status: instanceStatus,
    printerColumns: instancePrinterColumns,
  });
}

/** Parameters present on several services, so their wording and ranges stay the same. */
export const javaParameters = {
  javaHeapspace: integer({
    description:
      'Heap size of the JVM in MB. At most half of the VM memory of the plan; by default 46% of the memory is used.',
    minimum: 256,
  }),
  javaMaxmetaspace: integer({
    description: 'Metaspace size of the JVM in MB (class metadata).',
    minimum: 256,
    maximum: 1024,
  }),
  javaGarbageCollector: enumOf(['UseSerialGC', 'UseParallelGC', 'UseParallelOldGC', 'UseG1GC'], {
    description: 'Garbage collector of the JVM.',
  }),
};
