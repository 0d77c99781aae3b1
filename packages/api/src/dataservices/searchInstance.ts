import { array, enumOf, object, string } from '../schema/builders.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { defineInstanceKind, javaParameters } from './instanceCommon.js';
import type { DataServiceCatalog } from './instanceCommon.js';

export const searchCatalog = {
  type: 'search',
  product: 'a9s Search',
  services: ['a9s-search2'] as const,
  plans: [
    'search-cluster-small-ssl',
    'search-cluster-medium-ssl',
    'search-cluster-big-ssl',
    'search-single-nano-ssl',
    'search-single-small-ssl',
    'search-single-medium-ssl',
    'search-single-big-ssl',
  ] as const,
  planPolicy: {
    product: 'Search',
    sizes: ['nano', 'small', 'medium', 'big'],
    clusteredMarker: '-cluster-',
    singleToClustered: true,
    fixedMarkers: [],
  },
} satisfies DataServiceCatalog<readonly string[], readonly string[]>;

export const searchParameters = object(
  {
    ...javaParameters,
    tlsProtocols: array(enumOf(['TLSv1.2', 'TLSv1.3'], { description: 'A TLS protocol version.' }), {
      description: 'TLS versions OpenSearch accepts on HTTP and transport connections.',
      listType: 'set',
    }),
    tlsCiphers: array(string({ minLength: 1 }), {
      description:
        'TLS cipher suites OpenSearch accepts, in Java notation. Not validated: a wrong name can break the instance.',
    }),
  },
  { description: 'OpenSearch settings applied by the broker.' },
);

export const searchInstanceKind = defineInstanceKind({
  kind: 'SearchInstance',
  plural: 'searchinstances',
  catalog: searchCatalog,
  parameters: searchParameters,
});

export type SearchInstance = ObjectOf<typeof searchInstanceKind>;
export type SearchInstanceSpec = SpecOf<typeof searchInstanceKind>;
export type SearchInstanceStatus = StatusOf<typeof searchInstanceKind>;
