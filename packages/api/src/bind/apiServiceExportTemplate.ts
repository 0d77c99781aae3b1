import { permissionClaims, groupPattern, resourcePattern } from '../klutch/permissionClaim.js';
import { object, required, string } from '../schema/builders.js';
import { ageColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf } from '../schema/crd.js';

export const bindGroup = 'bind.anynines.com';
export const bindVersion = 'v1alpha1';

export const apiServiceExportTemplateSpec = object(
  {
    // The capitalised key is what existing manifests use (seed 001), so it stays as it is.
    APIServiceSelector: required(
      object(
        {
          group: string({
            description: 'API group of the offered resource, e.g. anynines.com.',
            default: '',
            pattern: groupPattern,
          }),
          resource: required(
            string({
              description: 'Plural name of the offered resource, e.g. postgresqlinstances.',
              pattern: resourcePattern,
            }),
          ),
          version: string({
            description: 'Version to offer; leave it out to offer every served version of the CRD.',
            minLength: 1,
          }),
        },
        { description: 'The CustomResourceDefinition on this cluster that is offered to consumers.' },
      ),
    ),
    permissionClaims: permissionClaims(
      'Objects of other resources that consumers must share for the API to work, e.g. the Secrets with credentials that ServiceBindings create.',
    ),
  },
  { description: 'Which API to offer and which related objects come with it.' },
);

export const apiServiceExportTemplateKind = defineKind({
  group: bindGroup,
  version: bindVersion,
  kind: 'APIServiceExportTemplate',
  plural: 'apiserviceexporttemplates',
  scope: 'Namespaced',
  categories: ['kube-bindings'],
  description:
    'Makes an API of the control plane available for binding. The backend lists templates in all namespaces; an API without a template cannot be bound.',
  spec: apiServiceExportTemplateSpec,
  printerColumns: [
    { name: 'Group', type: 'string', jsonPath: '.spec.APIServiceSelector.group' },
    { name: 'Resource', type: 'string', jsonPath: '.spec.APIServiceSelector.resource' },
    { name: 'Version', type: 'string', jsonPath: '.spec.APIServiceSelector.version', priority: 1 },
    ageColumn,
  ],
});

export type APIServiceExportTemplate = ObjectOf<typeof apiServiceExportTemplateKind>;
export type APIServiceExportTemplateSpec = SpecOf<typeof apiServiceExportTemplateKind>;
