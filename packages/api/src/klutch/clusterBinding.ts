import { klutchConditions } from '../common/conditions.js';
import {
  dateTime,
  describe,
  freeformObject,
  immutable,
  object,
  required,
  string,
  withValidations,
} from '../schema/builders.js';
import { ageColumn, conditionColumn, defineKind } from '../schema/crd.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { klutchCategories, klutchGroup, klutchVersion } from './group.js';
import { localKubeconfigSecretRef } from './secretRefs.js';

/** The only name a ClusterBinding may have: one per provider namespace. */
export const clusterBindingName = 'cluster';

export const clusterBindingSpec = object(
  {
    kubeconfigSecretRef: required(
      withValidations(
        describe(
          localKubeconfigSecretRef,
          'The Secret in this provider namespace holding the kubeconfig that the konnector uses.',
        ),
        [
          immutable(
            'kubeconfigSecretRef cannot be changed; update the kubeconfig inside the Secret instead.',
          ),
        ],
      ),
    ),
    providerPrettyName: required(
      string({ description: 'Display name of the service provider, shown to the consumer.', minLength: 1 }),
    ),
    serviceProviderSpec: freeformObject({
      description:
        'Provider-specific settings for this consumer. Reserved: not read by the current components.',
    }),
  },
  { description: 'How the consumer reaches this provider.' },
);

export const clusterBindingStatus = object(
  {
    lastHeartbeatTime: dateTime({ description: 'When the konnector last reported that it is alive.' }),
    heartbeatInterval: string({
      description: 'How often the konnector promises to send heartbeats, as a Go duration such as 5m0s.',
    }),
    konnectorVersion: string({ description: 'Version of the konnector serving this consumer.' }),
    conditions: klutchConditions,
  },
  { description: 'Health of the connection: SecretValid, ValidVersion, Healthy and the Ready summary.' },
);

export const clusterBindingKind = defineKind({
  group: klutchGroup,
  version: klutchVersion,
  kind: 'ClusterBinding',
  plural: 'clusterbindings',
  scope: 'Namespaced',
  categories: klutchCategories,
  description:
    'Represents one consumer cluster inside its provider namespace. There is exactly one per provider namespace, named cluster; the konnector updates its heartbeat.',
  spec: clusterBindingSpec,
  status: clusterBindingStatus,
  rules: [
    {
      rule: "self.metadata.name == 'cluster'",
      message:
        'A ClusterBinding must be named cluster: each provider namespace has exactly one, with that name.',
    },
  ],
  printerColumns: [
    { name: 'Konnector Version', type: 'string', jsonPath: '.status.konnectorVersion' },
    { name: 'Last Heartbeat', type: 'date', jsonPath: '.status.lastHeartbeatTime' },
    conditionColumn('Ready', 'Ready', 'status'),
    ageColumn,
  ],
});

export type ClusterBinding = ObjectOf<typeof clusterBindingKind>;
export type ClusterBindingSpec = SpecOf<typeof clusterBindingKind>;
export type ClusterBindingStatus = StatusOf<typeof clusterBindingKind>;
