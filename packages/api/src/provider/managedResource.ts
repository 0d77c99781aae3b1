import { crossplaneConditions } from '../common/conditions.js';
import { array, enumOf, integer, map, object, required, string } from '../schema/builders.js';
import type { Schema } from '../schema/builders.js';
import { ageColumn, conditionColumn } from '../schema/crd.js';
import type { PrinterColumn } from '../schema/crd.js';

// The spec and status fields every Crossplane managed resource has, so that the resources can also
// be composed by a real Crossplane installation.

const referencePolicy = object(
  {
    resolution: enumOf(['Required', 'Optional'], {
      description: 'Whether the reference must resolve (Required, the default) or may be missing.',
      default: 'Required',
    }),
    resolve: enumOf(['Always', 'IfNotPresent'], {
      description: 'Whether the reference is resolved on every reconcile or only when unresolved.',
    }),
  },
  { description: 'How the reference is resolved.' },
);

export const providerConfigRef = object(
  {
    name: required(string({ description: 'Name of the ProviderConfig.', minLength: 1 })),
    policy: referencePolicy,
  },
  {
    description: 'The ProviderConfig with the URL and credentials of the broker or backup manager to use.',
    default: { name: 'default' },
  },
);

export const writeConnectionSecretToRef = object(
  {
    name: required(string({ description: 'Name of the Secret.', minLength: 1 })),
    namespace: required(string({ description: 'Namespace of the Secret.', minLength: 1 })),
  },
  { description: 'The Secret to write the connection details (credentials) to.' },
);

export const publishConnectionDetailsTo = object(
  {
    name: required(string({ description: 'Name of the connection secret.', minLength: 1 })),
    configRef: object(
      {
        name: required(string({ description: 'Name of the StoreConfig.', minLength: 1 })),
        policy: referencePolicy,
      },
      { description: 'The StoreConfig of the external secret store.', default: { name: 'default' } },
    ),
    metadata: object(
      {
        labels: map(string(), { description: 'Labels of the connection secret.' }),
        annotations: map(string(), { description: 'Annotations of the connection secret.' }),
        type: string({ description: 'Type of the connection secret (Kubernetes stores only).' }),
      },
      { description: 'Metadata of the connection secret.' },
    ),
  },
  {
    description:
      'Crossplane external secret stores. Accepted for compatibility and ignored: this provider writes connection details only to writeConnectionSecretToRef (Klutch v1.5 also needs --enable-external-secret-stores for it).',
  },
);

export const managementActions = ['Observe', 'Create', 'Update', 'Delete', 'LateInitialize', '*'] as const;

// Generic over the value type (not the schema type) so that `required()` keeps it: with a schema
// type parameter TypeScript infers `unknown` for forProvider.
export function managedResourceSpec<T>(forProvider: Schema<T, boolean>, description: string) {
  return object(
    {
      forProvider: required(forProvider),
      providerConfigRef,
      writeConnectionSecretToRef,
      publishConnectionDetailsTo,
      deletionPolicy: enumOf(['Orphan', 'Delete'], {
        description:
          'Whether deleting the resource deletes the external resource (Delete) or leaves it (Orphan).',
        default: 'Delete',
      }),
      managementPolicies: array(
        enumOf(managementActions, { description: 'An action the provider may take.' }),
        {
          description: 'Which actions the provider may take on the external resource; * allows all.',
          default: ['*'],
        },
      ),
    },
    { description },
  );
}

/** The status fields of every managed resource; kinds spread them and may add their own. */
export function managedResourceStatusProps<A extends Schema<unknown, boolean>>(atProvider: A) {
  return {
    atProvider,
    conditions: crossplaneConditions,
    observedGeneration: integer({
      description: 'The metadata.generation that the status reflects.',
      format: 'int64',
      minimum: 0,
    }),
  };
}

/** Crossplane's printer columns for managed resources. */
export const managedResourcePrinterColumns: PrinterColumn[] = [
  conditionColumn('READY', 'Ready', 'status'),
  conditionColumn('SYNCED', 'Synced', 'status'),
  { name: 'EXTERNAL-NAME', type: 'string', jsonPath: '.metadata.annotations.crossplane\\.io/external-name' },
  { ...ageColumn, name: 'AGE' },
];
