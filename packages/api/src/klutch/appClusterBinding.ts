import { klutchConditions } from '../common/conditions.js';
import { containerOverrides } from '../common/container.js';
import {
  array,
  boolean,
  describe,
  immutable,
  object,
  required,
  string,
  withValidations,
} from '../schema/builders.js';
import { ageColumn, conditionColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { klutchCategories, klutchGroup, klutchVersion } from './group.js';
import { groupPattern, resourcePattern } from './permissionClaim.js';

/** Finalizer that blocks deletion until everything created for the binding is gone. */
export const appClusterBindingFinalizer = 'klutch.anynines.com/appclusterbinding-cleanup';

const appClusterKubeconfigRef = object(
  {
    name: required(string({ description: 'Name of the Secret.', minLength: 1 })),
    namespace: required(string({ description: 'Namespace of the Secret.', minLength: 1 })),
    key: string({
      description: 'Key of the kubeconfig in the Secret data.',
      default: 'kubeconfig',
      minLength: 1,
    }),
  },
  {
    description:
      'The Secret on the control plane holding a kubeconfig with cluster-admin access to the app cluster. It must not use exec plugins.',
  },
);

export const appClusterBindingSpec = object(
  {
    kubeconfigSecretRef: required(
      withValidations(appClusterKubeconfigRef, [
        immutable(
          'kubeconfigSecretRef cannot be changed; update the kubeconfig inside the Secret, or delete and recreate the AppClusterBinding.',
        ),
      ]),
    ),
    apiExports: array(
      object(
        {
          group: string({
            description: 'API group of the resource, e.g. anynines.com.',
            default: '',
            pattern: groupPattern,
          }),
          resource: required(
            string({
              description: 'Plural resource name, e.g. postgresqlinstances.',
              pattern: resourcePattern,
            }),
          ),
        },
        {
          description:
            'One API to share; an APIServiceExportTemplate for it must exist on the control plane.',
        },
      ),
      {
        description:
          'The APIs to make available in the app cluster. Removing an entry unbinds it (its APIServiceBinding and export request are deleted).',
      },
    ),
    konnector: object(
      {
        deploy: boolean({
          description: 'Whether the control plane runs a konnector for this app cluster (konnector-<name>).',
        }),
        overrides: describe(containerOverrides, 'Changes to the konnector container, e.g. another image.'),
      },
      {
        description: 'The konnector that synchronises objects between the app cluster and the control plane.',
      },
    ),
  },
  { description: 'Which app cluster to bind and which APIs to share with it.' },
);

export const appClusterBindingStatus = object(
  { conditions: klutchConditions },
  { description: 'Progress of the binding: SecretValid, KonnectorDeployed and the Ready summary.' },
);

export const appClusterBindingKind = defineKind({
  group: klutchGroup,
  version: klutchVersion,
  kind: 'AppClusterBinding',
  plural: 'appclusterbindings',
  scope: 'Namespaced',
  categories: klutchCategories,
  description:
    'Control-plane mode: binds an app cluster from the control plane, without kubectl bind. The backend creates the namespace klutch-bind-<namespace>-<name>, the bindings and, when asked, the konnector.',
  spec: appClusterBindingSpec,
  status: appClusterBindingStatus,
  rules: [
    {
      rule: 'self.metadata.name == oldSelf.metadata.name',
      message: 'metadata.name cannot be changed; create a new AppClusterBinding instead.',
    },
  ],
  printerColumns: [conditionColumn('Ready', 'Ready', 'status'), ageColumn],
});

export type AppClusterBinding = ObjectOf<typeof appClusterBindingKind>;
export type AppClusterBindingSpec = SpecOf<typeof appClusterBindingKind>;
export type AppClusterBindingStatus = StatusOf<typeof appClusterBindingKind>;
