import { array, enumOf, integer, object, string } from '../schema/builders.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { defineInstanceKind } from './instanceCommon.js';
import type { DataServiceCatalog } from './instanceCommon.js';

export const messagingCatalog = {
  type: 'messaging',
  product: 'a9s Messaging',
  services: ['a9s-messaging310', 'a9s-messaging312', 'a9s-messaging313', 'a9s-messaging4'] as const,
  plans: [
    'messaging-single-nano',
    'messaging-single-small',
    'messaging-single-big',
    'messaging-single-nano-ssl',
    'messaging-single-small-ssl',
    'messaging-single-big-ssl',
    'messaging-cluster-small',
    'messaging-cluster-big',
    'messaging-cluster-small-ssl',
    'messaging-cluster-big-ssl',
  ] as const,
  planPolicy: {
    product: 'Messaging',
    sizes: ['nano', 'small', 'big'],
    clusteredMarker: '-cluster-',
    singleToClustered: true,
    fixedMarkers: [{ marker: '-ssl', meaning: 'SSL' }],
  },
} satisfies DataServiceCatalog<readonly string[], readonly string[]>;

export const messagingParameters = object(
  {
    consumerTimeout: integer({
      description:
        'RabbitMQ consumer_timeout in milliseconds: how long a delivery may stay unacknowledged (at least 30 minutes).',
      minimum: 1800000,
    }),
    tlsProtocols: array(enumOf(['tlsv1.2', 'tlsv1.3'], { description: 'A TLS protocol version.' }), {
      description: 'TLS versions RabbitMQ accepts (ssl_options.versions).',
      listType: 'set',
    }),
    tlsCiphers: array(string({ minLength: 1 }), {
      description:
        'TLS cipher suites RabbitMQ accepts, in Java notation. Not validated: a wrong name can break the instance.',
    }),
  },
  { description: 'RabbitMQ settings applied by the broker.' },
);

export const messagingInstanceKind = defineInstanceKind({
  kind: 'MessagingInstance',
  plural: 'messaginginstances',
  catalog: messagingCatalog,
  parameters: messagingParameters,
});

export type MessagingInstance = ObjectOf<typeof messagingInstanceKind>;
export type MessagingInstanceSpec = SpecOf<typeof messagingInstanceKind>;
export type MessagingInstanceStatus = StatusOf<typeof messagingInstanceKind>;
