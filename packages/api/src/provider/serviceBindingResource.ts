import {
  boolean,
  enumOf,
  freeformObject,
  integer,
  map,
  object,
  required,
  string,
  array,
} from '../schema/builders.js';
import { defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { managedResourceCategories, providerGroup, providerVersion } from './group.js';
import {
  managedResourcePrinterColumns,
  managedResourceSpec,
  managedResourceStatusProps,
} from './managedResource.js';
import { originatingIdentity } from './serviceInstanceResource.js';

export const serviceBindingForProvider = object(
  {
    instanceName: required(
      string({
        description:
          'Name of the app-facing instance (the claim) this binding belongs to; together with the claim-namespace label it identifies the ServiceInstance.',
        minLength: 1,
      }),
    ),
    acceptsIncomplete: boolean({
      description: 'Whether the broker may create the binding asynchronously (accepts_incomplete).',
      default: true,
    }),
    appGuid: string({ description: 'GUID of the application the binding is for (deprecated OSB field).' }),
    bindResource: object(
      {
        appGuid: string({ description: 'GUID of the application the binding is for.' }),
        route: string({ description: 'Route the binding is for (route services).' }),
      },
      { description: 'The OSB bind_resource: what the credentials are for.' },
    ),
    parameters: freeformObject({ description: 'Bind parameters passed to the broker as they are.' }),
    context: map(string(), { description: 'Extra OSB context entries sent with the request.' }),
    originatingIdentity,
    credentials: map(string(), {
      description:
        'Declared by Klutch v1.5 and never used there either; accepted and ignored. The credentials the broker returns are written to writeConnectionSecretToRef.',
    }),
  },
  { description: 'The binding to create at the broker.' },
);

export const serviceBindingObservation = object(
  {
    state: enumOf(['Pending', 'Created', 'Deleting'], {
      description: 'State of the binding: Pending until the broker created it.',
      default: 'Pending',
    }),
    instanceId: string({ description: 'Broker id of the instance the binding belongs to.' }),
    serviceID: string({ description: 'Catalog id of the service of the instance.' }),
    planID: string({ description: 'Catalog id of the plan of the instance.' }),
    serviceBindingID: integer({
      description: 'Deprecated numeric binding id; kept for old clients.',
      format: 'int64',
    }),
    connectionDetails: array(
      object(
        {
          hostURL: string({ description: 'Host or URL clients connect to.' }),
          port: string({ description: 'Port clients connect to.' }),
          label: string({ description: 'What the endpoint is, e.g. SQL or Grafana.' }),
        },
        { description: 'One endpoint of the instance.' },
      ),
      { description: 'Endpoints of the instance found in the credentials (without secrets).' },
    ),
  },
  { description: 'The binding as the broker reports it.' },
);

export const serviceBindingResourceKind = defineKind({
  group: providerGroup,
  version: providerVersion,
  kind: 'ServiceBinding',
  plural: 'servicebindings',
  scope: 'Cluster',
  categories: managedResourceCategories,
  description:
    'A managed resource: credentials for one service instance at an OSB broker, written to writeConnectionSecretToRef.',
  spec: managedResourceSpec(serviceBindingForProvider, 'The desired binding and which broker provides it.'),
  status: object(managedResourceStatusProps(serviceBindingObservation), {
    description: 'Observed state of the binding.',
  }),
  printerColumns: managedResourcePrinterColumns,
});

export type ServiceBindingResource = ObjectOf<typeof serviceBindingResourceKind>;
export type ServiceBindingResourceSpec = SpecOf<typeof serviceBindingResourceKind>;
export type ServiceBindingResourceStatus = StatusOf<typeof serviceBindingResourceKind>;
