import { crossplaneConditions } from '../common/conditions.js';
import { boolean, enumOf, object, required, string } from '../schema/builders.js';
import { ageColumn, conditionColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { dataServicesCategories, dataServicesGroup, dataServicesVersion } from './group.js';
import { claimSurfaceFields, managedStatus } from './claimSurface.js';
import { observedGeneration } from './instanceCommon.js';
import { sameNamespaceRef, serviceInstanceType } from './referenceFields.js';

/**
 * The keys of the credentials Secret, following the servicebinding.io well-known entries so that
 * binding-aware libraries and operators can consume the Secret without service-specific code.
 */
export const credentialSecretKeys = [
  'type',
  'provider',
  'host',
  'port',
  'uri',
  'username',
  'password',
  'database',
] as const;

export const serviceBindingSpec = object(
  {
    instanceRef: required(
      sameNamespaceRef(
        'Name of the data-service instance (e.g. a PostgresqlInstance) in this namespace.',
        'ServiceBinding',
      ),
    ),
    serviceInstanceType: required(serviceInstanceType('ServiceBinding')),
    acceptsIncomplete: boolean({
      description:
        'Whether the broker may create the binding asynchronously (OSB accepts_incomplete). The managed binding always allows it, as the Klutch v1.5 a9s composition does.',
    }),
    // Klutch v1.5 declares these for its a8s and cloud compositions; the a9s composition ignores them.
    region: enumOf(['eu-central-1', 'us-east-1'], {
      description: 'Accepted for Klutch v1.5 compatibility and ignored by the a9s data services.',
    }),
    policy: string({
      description: 'Accepted for Klutch v1.5 compatibility and ignored by the a9s data services.',
    }),
    ...claimSurfaceFields('a9s-servicebinding'),
  },
  { description: 'Which instance to create credentials for.' },
);

export const serviceBindingStatus = object(
  {
    conditions: crossplaneConditions,
    observedGeneration,
    managed: managedStatus,
    binding: object(
      {
        name: required(
          string({ description: 'Name of the Secret in this namespace that holds the credentials.' }),
        ),
      },
      {
        description:
          'The credentials Secret, as a servicebinding.io Provisioned Service (keys type, provider, host, port, uri, username, password, database).',
      },
    ),
    state: string({ description: 'State of the binding at the broker, e.g. Pending, Created or Deleting.' }),
  },
  { description: 'Observed state of the binding. Ready=True means the credentials Secret exists and works.' },
);

export const serviceBindingKind = defineKind({
  group: dataServicesGroup,
  version: dataServicesVersion,
  kind: 'ServiceBinding',
  plural: 'servicebindings',
  scope: 'Namespaced',
  categories: dataServicesCategories,
  description:
    'Credentials for one data-service instance. The credentials appear in the Secret named in status.binding.name; deleting the binding revokes them.',
  spec: serviceBindingSpec,
  status: serviceBindingStatus,
  printerColumns: [
    { name: 'Instance', type: 'string', jsonPath: '.spec.instanceRef' },
    { name: 'Type', type: 'string', jsonPath: '.spec.serviceInstanceType', priority: 1 },
    { name: 'Secret', type: 'string', jsonPath: '.status.binding.name' },
    conditionColumn('Ready', 'Ready', 'status'),
    conditionColumn('Message', 'Ready', 'message'),
    ageColumn,
  ],
});

export type ServiceBinding = ObjectOf<typeof serviceBindingKind>;
export type ServiceBindingSpec = SpecOf<typeof serviceBindingKind>;
export type ServiceBindingStatus = StatusOf<typeof serviceBindingKind>;
