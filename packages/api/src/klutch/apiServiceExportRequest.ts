import { klutchConditions } from '../common/conditions.js';
import { array, enumOf, freeformObject, object, required, string } from '../schema/builders.js';
import { ageColumn, conditionColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { klutchCategories, klutchGroup, klutchVersion } from './group.js';
import { groupPattern, permissionClaims, resourcePattern } from './permissionClaim.js';

const requestedResource = object(
  {
    group: string({
      description: 'API group of the requested resource; empty for the core group.',
      default: '',
      pattern: groupPattern,
    }),
    resource: required(
      string({
        description: 'Plural name of the requested resource, e.g. postgresqlinstances.',
        pattern: resourcePattern,
      }),
    ),
    versions: array(string({ minLength: 1 }), {
      description: 'Versions the consumer wants; empty means every served version.',
    }),
    permissionClaims: permissionClaims(
      'Objects of other resources the consumer agrees to share for this resource.',
    ),
  },
  { description: 'One resource the consumer asks to bind.' },
);

export const apiServiceExportRequestSpec = object(
  {
    parameters: freeformObject({
      description: 'Provider-specific parameters of the request, passed through unchanged.',
    }),
    resources: required(
      array(requestedResource, { description: 'The resources to export to the consumer.', minItems: 1 }),
    ),
  },
  {
    description: 'What the consumer asks for. Fixed at creation: a different request needs a new object.',
    rules: [
      {
        rule: 'self == oldSelf',
        message: 'spec cannot be changed after creation; create a new APIServiceExportRequest instead.',
      },
    ],
  },
);

export const exportRequestPhases = ['Pending', 'Failed', 'Succeeded'] as const;

export const apiServiceExportRequestStatus = object(
  {
    phase: enumOf(exportRequestPhases, {
      description:
        'Pending until the exports exist, then Succeeded; Failed when they could not be created for a minute.',
      default: 'Pending',
    }),
    terminalMessage: string({ description: 'Why the request failed, when phase is Failed.' }),
    conditions: klutchConditions,
  },
  { description: 'Progress of the request: ExportsReady and Ready.', default: {} },
);

export const apiServiceExportRequestKind = defineKind({
  group: klutchGroup,
  version: klutchVersion,
  kind: 'APIServiceExportRequest',
  plural: 'apiserviceexportrequests',
  scope: 'Namespaced',
  categories: klutchCategories,
  description:
    'A request of a consumer to bind one or more APIs, created in its provider namespace during binding. The backend answers it with APIServiceExports and deletes it after ten minutes.',
  spec: apiServiceExportRequestSpec,
  status: apiServiceExportRequestStatus,
  printerColumns: [conditionColumn('Ready', 'Ready', 'status'), ageColumn],
});

export type APIServiceExportRequest = ObjectOf<typeof apiServiceExportRequestKind>;
export type APIServiceExportRequestSpec = SpecOf<typeof apiServiceExportRequestKind>;
export type APIServiceExportRequestStatus = StatusOf<typeof apiServiceExportRequestKind>;
