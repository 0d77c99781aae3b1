import { permissionClaims, groupPattern, resourcePattern } from '../klutch/permissionClaim.js';
import { klutchConditions } from '../common/conditions.js';
import { object, required, string } from '../schema/builders.js';
import { ageColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';

export const bindGroup = 'bind.anynines.com';
export const bindVersion = 'v1alpha1';
/**
 * The group of the template in the current Klutch v1.5 code and its bind/deploy/resources
 * kustomization; seed 001 and the v1.4 release bundle use bindGroup. Both are served with the same
 * schema and read by one code path.
 */
export const exampleBackendGroup = 'example-backend.klutch.anynines.com';
export const exportTemplateGroups = [bindGroup, exampleBackendGroup] as const;

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

export const apiServiceExportTemplateStatus = object(
  {
    conditions: klutchConditions,
  },
  {
    description:
      'Set by the backend. Ready=False with reason Conflict when a template of the same namespace and name exists in the other template group.',
  },
);

function exportTemplateKind<const G extends string>(group: G) {
  return defineKind({
    group,
    version: bindVersion,
    kind: 'APIServiceExportTemplate',
    plural: 'apiserviceexporttemplates',
    scope: 'Namespaced',
    categories: ['kube-bindings'],
    description: `Makes an API of the control plane available for binding. The backend lists templates in all namespaces, in both groups ${bindGroup} and ${exampleBackendGroup} alike; an API without a template cannot be bound.`,
    spec: apiServiceExportTemplateSpec,
    status: apiServiceExportTemplateStatus,
    printerColumns: [
      { name: 'Group', type: 'string', jsonPath: '.spec.APIServiceSelector.group' },
      { name: 'Resource', type: 'string', jsonPath: '.spec.APIServiceSelector.resource' },
      { name: 'Version', type: 'string', jsonPath: '.spec.APIServiceSelector.version', priority: 1 },
      {
        name: 'Established',
        type: 'string',
        jsonPath: '.status.conditions[?(@.type=="Ready")].status',
        priority: 5,
      },
      ageColumn,
    ],
  });
}

export const apiServiceExportTemplateKind = exportTemplateKind(bindGroup);
/** The same kind in the group of the Klutch v1.5 code. */
export const exampleBackendApiServiceExportTemplateKind = exportTemplateKind(exampleBackendGroup);

export type APIServiceExportTemplate = ObjectOf<typeof apiServiceExportTemplateKind>;
export type APIServiceExportTemplateSpec = SpecOf<typeof apiServiceExportTemplateKind>;
export type APIServiceExportTemplateStatus = StatusOf<typeof apiServiceExportTemplateKind>;
