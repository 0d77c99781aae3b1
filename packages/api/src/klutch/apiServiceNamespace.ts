import { object, string } from '../schema/builders.js';
import { ageColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, StatusOf } from '../schema/crd.js';
import { klutchCategories, klutchGroup, klutchVersion } from './group.js';

/** Annotation on the service Namespace: `<providerNamespace>/<consumerNamespace>`. */
export const apiServiceNamespaceAnnotation = 'klutch.anynines.com/api-service-namespace';

export const apiServiceNamespaceKind = defineKind({
  group: klutchGroup,
  version: klutchVersion,
  kind: 'APIServiceNamespace',
  plural: 'apiservicenamespaces',
  scope: 'Namespaced',
  categories: klutchCategories,
  description:
    'Asks the backend for a service namespace for one consumer namespace. Its name is the consumer namespace; the backend creates <providerNamespace>-<name> and reports it in status.namespace.',
  spec: object({}, { description: 'Empty: the object name carries the request.' }),
  specRequired: false,
  status: object(
    {
      namespace: string({
        description: 'The service namespace on the provider cluster that holds the objects.',
      }),
    },
    { description: 'The service namespace created for the consumer namespace.' },
  ),
  printerColumns: [{ name: 'Namespace', type: 'string', jsonPath: '.status.namespace' }, ageColumn],
});

export type APIServiceNamespace = ObjectOf<typeof apiServiceNamespaceKind>;
export type APIServiceNamespaceStatus = StatusOf<typeof apiServiceNamespaceKind>;
