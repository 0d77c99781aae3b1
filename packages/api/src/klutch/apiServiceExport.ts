import { klutchConditions } from '../common/conditions.js';
import {
  array,
  boolean,
  enumOf,
  freeformObject,
  immutable,
  integer,
  object,
  required,
  string,
} from '../schema/builders.js';
import { ageColumn, conditionColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { klutchCategories, klutchGroup, klutchVersion } from './group.js';
import { groupPattern, permissionClaims } from './permissionClaim.js';

/**
 * Annotation on the provider copy of a cluster-scoped object: the provider namespace (consumer) it
 * belongs to. Consumers may write only cluster-scoped objects whose annotation, when set, is theirs.
 */
export const clusterNamespaceAnnotation = 'klutch.anynines.com/cluster-namespace';

export const crdNames = object(
  {
    plural: required(
      string({ description: 'Plural resource name, e.g. postgresqlinstances.', minLength: 1 }),
    ),
    singular: string({ description: 'Singular resource name, e.g. postgresqlinstance.' }),
    shortNames: array(string(), { description: 'Short names accepted by kubectl, e.g. pg.' }),
    kind: required(string({ description: 'Kind of the objects, e.g. PostgresqlInstance.', minLength: 1 })),
    listKind: string({ description: 'Kind of lists of the objects, e.g. PostgresqlInstanceList.' }),
    categories: array(string(), { description: 'Categories the resource belongs to, e.g. all.' }),
  },
  { description: 'Names of the exported resource, as in a CustomResourceDefinition.' },
);

const printerColumn = object(
  {
    name: required(string({ description: 'Column header.' })),
    type: required(
      enumOf(['integer', 'number', 'string', 'boolean', 'date'], {
        description: 'Type of the column values.',
      }),
    ),
    format: string({ description: 'Optional format of the column values, e.g. int32 or byte.' }),
    description: string({ description: 'Human-readable description of the column.' }),
    priority: integer({
      description: 'Columns with priority above 0 appear only in wide output.',
      format: 'int32',
    }),
    jsonPath: required(string({ description: 'JSONPath of the shown value, relative to the object.' })),
  },
  { description: 'A column of kubectl get.' },
);

const exportVersion = object(
  {
    name: required(
      string({
        description: 'Version name, e.g. v1 or v1alpha1.',
        pattern: '^v[1-9][0-9]*([a-z]+[1-9][0-9]*)?$',
      }),
    ),
    served: boolean({ description: 'Whether this version is served.', default: true }),
    storage: required(
      boolean({ description: 'Whether this is the storage version; exactly one version is.' }),
    ),
    deprecated: boolean({ description: 'Whether this version is deprecated.' }),
    deprecationWarning: string({ description: 'Warning returned to clients that use a deprecated version.' }),
    schema: required(
      object(
        {
          openAPIV3Schema: required(
            freeformObject({ description: 'The OpenAPI v3 schema of objects of this version.' }),
          ),
        },
        { description: 'Validation schema of this version.' },
      ),
    ),
    subresources: object(
      {
        status: freeformObject({ description: 'Present when the resource has a status subresource.' }),
        scale: freeformObject({ description: 'Present when the resource has a scale subresource.' }),
      },
      { description: 'Subresources of this version.' },
    ),
    additionalPrinterColumns: array(printerColumn, { description: 'Columns shown by kubectl get.' }),
  },
  { description: 'One version of the exported resource.' },
);

const scopeValues = ['Cluster', 'Namespaced'] as const;

export const apiServiceExportSpec = object(
  {
    group: required(string({ description: 'API group of the exported resource.', pattern: groupPattern })),
    names: required(crdNames),
    scope: required(
      enumOf(scopeValues, {
        description: 'Whether objects of the exported resource are Namespaced or Cluster-scoped.',
      }),
    ),
    versions: required(
      array(exportVersion, {
        description: 'Versions of the exported resource.',
        minItems: 1,
        listType: 'map',
        listMapKeys: ['name'],
      }),
    ),
    permissionClaims: permissionClaims(
      'Objects of other resources the consumer grants access to, copied from the APIServiceExportTemplate.',
    ),
    informerScope: required(
      enumOf(scopeValues, {
        description:
          'Whether the konnector watches the provider objects cluster-wide (Cluster) or only in the service namespaces of the consumer (Namespaced).',
        rules: [
          immutable(
            'informerScope cannot be changed after the export is created; delete and recreate the APIServiceExport instead.',
          ),
        ],
      }),
    ),
    clusterScopedIsolation: enumOf(['Prefixed', 'Namespaced', 'None'], {
      description:
        'How cluster-scoped objects of different consumers are kept apart on the provider: Prefixed renames them with the provider namespace as prefix.',
    }),
  },
  {
    description: 'The exported resource, derived from its CustomResourceDefinition on the provider cluster.',
    rules: [
      {
        rule: "self.scope == 'Namespaced' || self.informerScope == 'Cluster'",
        message:
          'informerScope must be Cluster when the exported resource is cluster-scoped (scope: Cluster).',
        fieldPath: '.informerScope',
      },
      {
        rule: "self.scope == 'Namespaced' || has(self.clusterScopedIsolation)",
        message:
          'clusterScopedIsolation is required when the exported resource is cluster-scoped (scope: Cluster).',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.scope == 'Cluster' || !has(self.clusterScopedIsolation)",
        message:
          'clusterScopedIsolation applies only to cluster-scoped resources; remove it when scope is Namespaced.',
        fieldPath: '.clusterScopedIsolation',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

export const apiServiceExportStatus = object(
  {
    acceptedNames: crdNames,
    storedVersions: array(string(), { description: 'Versions that objects have ever been stored in.' }),
    conditions: klutchConditions,
  },
  { description: 'Observed state of the export: Connected, ProviderInSync, ConsumerInSync and Ready.' },
);

export const apiServiceExportKind = defineKind({
  group: klutchGroup,
  version: klutchVersion,
  kind: 'APIServiceExport',
  plural: 'apiserviceexports',
  scope: 'Namespaced',
  categories: klutchCategories,
  description:
    'An API offered to one consumer, in the provider namespace of that consumer. Its name is <plural>.<group> of the exported resource; the backend creates it from an APIServiceExportRequest.',
  spec: apiServiceExportSpec,
  status: apiServiceExportStatus,
  rules: [
    {
      rule: "self.metadata.name == self.spec.names.plural + '.' + self.spec.group",
      message:
        'metadata.name must be <spec.names.plural>.<spec.group> of the exported resource, e.g. postgresqlinstances.anynines.com.',
    },
  ],
  printerColumns: [conditionColumn('Established', 'Established', 'status', { priority: 5 }), ageColumn],
});

export type APIServiceExport = ObjectOf<typeof apiServiceExportKind>;
export type APIServiceExportSpec = SpecOf<typeof apiServiceExportKind>;
export type APIServiceExportStatus = StatusOf<typeof apiServiceExportKind>;
