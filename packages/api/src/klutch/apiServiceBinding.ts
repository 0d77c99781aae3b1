import { klutchConditions } from '../common/conditions.js';
import { array, describe, immutable, object, required, string, withValidations } from '../schema/builders.js';
import { ageColumn, conditionColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { klutchCategories, klutchGroup, klutchVersion } from './group.js';
import { acceptablePermissionClaim } from './permissionClaim.js';
import { kubeconfigSecretRef } from './secretRefs.js';

/** Annotation listing the bound resources, shown in the wide output of kubectl get. */
export const resourcesAnnotation = 'klutch.anynines.com/resources';

export const apiServiceBindingSpec = object(
  {
    kubeconfigSecretRef: required(
      withValidations(
        describe(
          kubeconfigSecretRef,
          'The Secret holding the kubeconfig that the konnector uses to reach the service provider.',
        ),
        [
          immutable(
            'kubeconfigSecretRef cannot be changed; update the kubeconfig inside the Secret, or delete and recreate the binding.',
          ),
        ],
      ),
    ),
    permissionClaims: array(acceptablePermissionClaim, {
      description: 'The permission claims of the export and whether the consumer accepted each of them.',
    }),
  },
  { description: 'Where the provider is and which permission claims the consumer accepted.' },
);

export const apiServiceBindingStatus = object(
  {
    providerPrettyName: string({ description: 'Display name of the service provider, e.g. anynines.' }),
    conditions: klutchConditions,
  },
  {
    description:
      'Observed state of the binding: SecretValid, InformersSynced, Heartbeating, Connected and the Ready summary.',
  },
);

export const apiServiceBindingKind = defineKind({
  group: klutchGroup,
  version: klutchVersion,
  kind: 'APIServiceBinding',
  plural: 'apiservicebindings',
  scope: 'Namespaced',
  shortNames: ['sb'],
  categories: klutchCategories,
  description:
    'Binds one exported API into the consumer cluster. Its name is <plural>.<group> of the bound resource; the konnector installs the CRD and synchronises objects while it exists.',
  spec: apiServiceBindingSpec,
  status: apiServiceBindingStatus,
  printerColumns: [
    { name: 'Provider', type: 'string', jsonPath: '.status.providerPrettyName' },
    {
      name: 'Resources',
      type: 'string',
      jsonPath: '.metadata.annotations.klutch\\.anynines\\.com/resources',
      priority: 1,
    },
    conditionColumn('Ready', 'Ready', 'status'),
    conditionColumn('Message', 'Ready', 'message'),
    ageColumn,
  ],
});

export type APIServiceBinding = ObjectOf<typeof apiServiceBindingKind>;
export type APIServiceBindingSpec = SpecOf<typeof apiServiceBindingKind>;
export type APIServiceBindingStatus = StatusOf<typeof apiServiceBindingKind>;
