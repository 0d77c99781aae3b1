import { array, enumOf, integer, number, object, required, string } from '../schema/builders.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { defineInstanceKind, javaParameters } from './instanceCommon.js';
import type { DataServiceCatalog } from './instanceCommon.js';

export const logme2Catalog = {
  type: 'logme2',
  product: 'a9s LogMe2',
  services: ['a9s-logme2'] as const,
  plans: ['logme-cluster-small-ssl', 'logme-single-small-ssl'] as const,
  planPolicy: {
    product: 'LogMe2',
    sizes: ['small'],
    clusteredMarker: '-cluster-',
    singleToClustered: false,
    fixedMarkers: [],
  },
} satisfies DataServiceCatalog<readonly string[], readonly string[]>;

// Fluentd spells TLS versions in two ways; both are accepted.
const fluentdTlsVersions = ['TLSv1_1', 'TLSv1_2', 'TLSv1_3', 'TLS1_1', 'TLS1_2', 'TLS1_3'] as const;

const port = (description: string, minimum: number) => integer({ description, minimum, maximum: 65535 });

export const logme2Parameters = object(
  {
    ...javaParameters,
    ismJobInterval: integer({ description: 'Minutes between Index State Management runs.', minimum: 1 }),
    ismDeletionAfter: string({
      description: 'Age after which an index is deleted, e.g. 30d (units s, m, h, d).',
      rules: [
        {
          rule: "self.matches('^[1-9][0-9]*[smhd]$')",
          message: 'must be a positive number followed by s, m, h or d, e.g. 30d.',
        },
      ],
    }),
    ismJitter: number({
      description: 'Random variation of the Index State Management interval, between 0 and 1.',
      minimum: 0,
      maximum: 1,
    }),
    opensearchTlsProtocols: array(
      enumOf(['TLSv1.2', 'TLSv1.3'], { description: 'A TLS protocol version.' }),
      {
        description: 'TLS versions OpenSearch accepts.',
        listType: 'set',
      },
    ),
    opensearchTlsCiphers: array(string({ minLength: 1 }), {
      description:
        'TLS cipher suites OpenSearch accepts, in Java notation. Not validated: a wrong name can break the instance.',
    }),
    fluentdUdp: port('Port of the Fluentd syslog endpoint over UDP (default 514).', 1),
    fluentdTcp: port(
      'Port of the unencrypted Fluentd syslog endpoint over TCP; 0 (the default) disables it.',
      0,
    ),
    fluentdTls: port('Port of the TLS-encrypted Fluentd syslog endpoint (default 6514).', 1),
    fluentdTlsCiphers: string({
      description:
        'TLS ciphers Fluentd accepts, in OpenSSL notation. Not validated: a wrong value breaks Fluentd.',
    }),
    fluentdTlsVersion: enumOf(fluentdTlsVersions, {
      description:
        'The one TLS version Fluentd accepts; use fluentdTlsMinVersion and fluentdTlsMaxVersion for a range.',
    }),
    fluentdTlsMinVersion: enumOf(fluentdTlsVersions, {
      description: 'Lowest TLS version Fluentd accepts; set together with fluentdTlsMaxVersion.',
    }),
    fluentdTlsMaxVersion: enumOf(fluentdTlsVersions, {
      description: 'Highest TLS version Fluentd accepts; set together with fluentdTlsMinVersion.',
    }),
    groks: array(
      object(
        { pattern: required(string({ description: 'A grok pattern, matched against the syslog message.' })) },
        { description: 'An additional grok pattern.' },
      ),
      {
        description:
          'Additional grok patterns; the first that matches a message applies. An empty list removes them all.',
      },
    ),
  },
  {
    description: 'OpenSearch and Fluentd settings applied by the broker.',
    rules: [
      {
        rule: 'has(self.fluentdTlsMinVersion) == has(self.fluentdTlsMaxVersion)',
        message: 'fluentdTlsMinVersion and fluentdTlsMaxVersion must be set together; set both or neither.',
      },
    ],
  },
);

export const logme2InstanceKind = defineInstanceKind({
  kind: 'Logme2Instance',
  plural: 'logme2instances',
  catalog: logme2Catalog,
  parameters: logme2Parameters,
});

export type Logme2Instance = ObjectOf<typeof logme2InstanceKind>;
export type Logme2InstanceSpec = SpecOf<typeof logme2InstanceKind>;
export type Logme2InstanceStatus = StatusOf<typeof logme2InstanceKind>;
