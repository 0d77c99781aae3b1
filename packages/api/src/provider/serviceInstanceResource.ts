import {
  boolean,
  dateTime,
  enumOf,
  freeformObject,
  immutable,
  jsonObjectOrString,
  map,
  object,
  required,
  string,
} from '../schema/builders.js';
import { defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { managedResourceCategories, providerGroup, providerVersion } from './group.js';
import {
  managedResourcePrinterColumns,
  managedResourceSpec,
  managedResourceStatusProps,
} from './managedResource.js';

export const originatingIdentity = object(
  {
    platform: required(string({ description: 'Platform of the identity, e.g. kubernetes.' })),
    // Klutch v1.5 declares value as a string holding serialized JSON; an object is accepted too.
    value: required(
      jsonObjectOrString({
        description:
          'The identity as the platform defines it, e.g. {username, uid}: a JSON object, or (as in Klutch v1.5) a string holding one.',
      }),
    ),
  },
  { description: 'The user on whose behalf the request is made (OSB X-Broker-API-Originating-Identity).' },
);

export const instanceStates = [
  'created',
  'provisioned',
  'available',
  'deleted',
  'deleting',
  'deploying',
  'failed',
  'unknown',
] as const;

export const serviceInstanceParameters = {
  acceptsIncomplete: boolean({
    description: 'Whether the broker may work asynchronously (accepts_incomplete); a9s brokers require true.',
    default: true,
  }),
  serviceName: required(
    string({
      description:
        'Name of the catalog service, e.g. a9s-postgresql15. Matched as a prefix, since brokers may append a suffix.',
      minLength: 1,
      rules: [
        immutable('serviceName cannot be changed; a broker cannot move an instance to another service.'),
      ],
    }),
  ),
  planName: required(
    string({
      description: 'Name of the catalog plan within the service, e.g. postgresql-single-small.',
      minLength: 1,
    }),
  ),
  organizationGuid: string({
    description:
      'Cloud Foundry organization GUID for brokers that still need organization_guid (deprecated in OSB 2.17).',
  }),
  spaceGuid: string({
    description: 'Cloud Foundry space GUID for brokers that still need space_guid (deprecated in OSB 2.17).',
  }),
  parameters: freeformObject({ description: 'Configuration parameters passed to the broker as they are.' }),
  context: map(string(), { description: 'Extra OSB context entries sent with every request.' }),
  originatingIdentity,
};

export const serviceInstanceForProvider = object(serviceInstanceParameters, {
  description: 'The service instance to provision at the broker.',
});

export const serviceInstanceObservation = object(
  {
    state: enumOf(instanceStates, { description: 'State of the instance at the broker.' }),
    instanceId: string({ description: 'Id of the instance at the broker (guid at tenant).' }),
    serviceId: string({ description: 'Catalog id of the provisioned service.' }),
    planId: string({ description: 'Catalog id of the provisioned plan.' }),
    parameters: freeformObject({ description: 'Parameters the broker reports for the instance.' }),
    dashboardUrl: string({ description: 'Dashboard of the instance, when the broker offers one.' }),
    createdAt: dateTime({ description: 'When the broker created the instance.' }),
    provisionedAt: dateTime({ description: 'When the instance was provisioned.' }),
    updatedAt: dateTime({ description: 'When the instance last changed.' }),
    deletedAt: dateTime({ description: 'When the instance was deleted.' }),
  },
  { description: 'The instance as the broker reports it.' },
);

export const serviceInstanceKind = defineKind({
  group: providerGroup,
  version: providerVersion,
  kind: 'ServiceInstance',
  plural: 'serviceinstances',
  scope: 'Cluster',
  categories: managedResourceCategories,
  description: 'A managed resource: one service instance at an OSB service broker.',
  spec: managedResourceSpec(
    serviceInstanceForProvider,
    'The desired service instance and which broker provides it.',
  ),
  status: object(
    {
      ...managedResourceStatusProps(serviceInstanceObservation),
      pendingOperation: string({
        description: 'Operation key of an asynchronous broker operation that is still running.',
      }),
    },
    { description: 'Observed state of the instance.' },
  ),
  printerColumns: managedResourcePrinterColumns,
});

export type ServiceInstance = ObjectOf<typeof serviceInstanceKind>;
export type ServiceInstanceSpec = SpecOf<typeof serviceInstanceKind>;
export type ServiceInstanceStatus = StatusOf<typeof serviceInstanceKind>;
