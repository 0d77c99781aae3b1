import { intOrString, object } from '../schema/builders.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { defineInstanceKind } from './instanceCommon.js';
import type { DataServiceCatalog } from './instanceCommon.js';

export const mongodbCatalog = {
  type: 'mongodb',
  product: 'a9s MongoDB',
  services: ['a9s-mongodb50', 'a9s-mongodb70'] as const,
  plans: [
    'mongodbsspl-single-nano',
    'mongodbsspl-single-small',
    'mongodbsspl-single-big',
    'mongodbsspl-single-nano-ssl',
    'mongodbsspl-single-small-ssl',
    'mongodbsspl-single-big-ssl',
    'mongodbsspl-replica-small',
    'mongodbsspl-replica-big',
    'mongodbsspl-replica-small-ssl',
    'mongodbsspl-replica-big-ssl',
  ] as const,
  planPolicy: {
    product: 'MongoDB',
    sizes: ['nano', 'small', 'big'],
    clusteredMarker: '-replica-',
    singleToClustered: true,
    fixedMarkers: [{ marker: '-ssl', meaning: 'SSL' }],
  },
} satisfies DataServiceCatalog<readonly string[], readonly string[]>;

export const mongodbParameters = object(
  {
    setClusterParameter: object(
      {
        changeStreamOptions: object(
          {
            preAndPostImages: object(
              {
                expireAfterSeconds: intOrString({
                  description:
                    'Seconds MongoDB keeps pre- and post-images of change streams, or off to keep them as long as the oplog entries.',
                  rules: [
                    {
                      rule: "type(self) == string ? self == 'off' : self >= 0",
                      message: 'expireAfterSeconds must be off or a number of seconds (0 or more).',
                    },
                  ],
                }),
              },
              { description: 'Retention of pre- and post-images.' },
            ),
          },
          { description: 'Change stream options.' },
        ),
      },
      { description: 'Cluster parameters set with setClusterParameter.' },
    ),
  },
  { description: 'MongoDB settings applied by the broker.' },
);

export const mongodbInstanceKind = defineInstanceKind({
  kind: 'MongodbInstance',
  plural: 'mongodbinstances',
  catalog: mongodbCatalog,
  parameters: mongodbParameters,
});

export type MongodbInstance = ObjectOf<typeof mongodbInstanceKind>;
export type MongodbInstanceSpec = SpecOf<typeof mongodbInstanceKind>;
export type MongodbInstanceStatus = StatusOf<typeof mongodbInstanceKind>;
