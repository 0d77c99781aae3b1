import { object, required, string } from '../schema/builders.js';
import type { Infer } from '../schema/builders.js';
import { ageColumn, defineKind } from '../schema/crd.js';
import type { KubeObject } from '../schema/objectMeta.js';
import { providerGroup, providerVersion } from './group.js';

/** Label with the ProviderConfig name on every usage, as Crossplane sets it (for list selectors). */
export const providerConfigUsageLabel = 'crossplane.io/provider-config';

// Crossplane's shape: the fields are at the top level, there is no spec.
export const providerConfigUsageFields = object({
  providerConfigRef: required(
    object(
      { name: required(string({ description: 'Name of the ProviderConfig.', minLength: 1 })) },
      { description: 'The ProviderConfig that is in use.' },
    ),
  ),
  resourceRef: required(
    object(
      {
        apiVersion: required(string({ description: 'apiVersion of the managed resource.' })),
        kind: required(string({ description: 'Kind of the managed resource.' })),
        name: required(string({ description: 'Name of the managed resource.' })),
        uid: string({ description: 'UID of the managed resource.' }),
      },
      { description: 'The managed resource that uses the ProviderConfig.' },
    ),
  ),
});

export const providerConfigUsageKind = defineKind({
  group: providerGroup,
  version: providerVersion,
  kind: 'ProviderConfigUsage',
  plural: 'providerconfigusages',
  scope: 'Cluster',
  categories: ['crossplane', 'provider', 'anynines'],
  description:
    'Records that a managed resource uses a ProviderConfig, as Crossplane providers do. The provider creates one per managed resource (owned by it, so it goes with it) and keeps the ProviderConfig from being deleted while any usage exists.',
  spec: object({}, { description: 'Unused: the fields of a ProviderConfigUsage are at the top level.' }),
  specRequired: false,
  rootFields: providerConfigUsageFields,
  printerColumns: [
    { ...ageColumn, name: 'AGE' },
    { name: 'CONFIG-NAME', type: 'string', jsonPath: '.providerConfigRef.name' },
    { name: 'RESOURCE-KIND', type: 'string', jsonPath: '.resourceRef.kind' },
    { name: 'RESOURCE-NAME', type: 'string', jsonPath: '.resourceRef.name' },
  ],
});

export type ProviderConfigUsage = Omit<
  KubeObject<
    `${typeof providerGroup}/${typeof providerVersion}`,
    'ProviderConfigUsage',
    undefined,
    undefined
  >,
  'spec' | 'status'
> &
  Infer<typeof providerConfigUsageFields>;
