import { enumOf, integer, object, string } from '../schema/builders.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import type { ValidationRule } from '../schema/jsonSchema.js';
import { defineInstanceKind } from './instanceCommon.js';
import type { DataServiceCatalog } from './instanceCommon.js';

export const keyvalueCatalog = {
  type: 'keyvalue',
  product: 'a9s KeyValue',
  services: ['a9s-keyvalue8'] as const,
  plans: [
    'keyvalue-replica-small-ssl',
    'keyvalue-replica-medium-ssl',
    'keyvalue-replica-big-ssl',
    'keyvalue-single-nano-ssl',
    'keyvalue-single-small-ssl',
    'keyvalue-single-medium-ssl',
    'keyvalue-single-big-ssl',
  ] as const,
  planPolicy: {
    product: 'KeyValue',
    sizes: ['nano', 'small', 'medium', 'big'],
    clusteredMarker: '-replica-',
    singleToClustered: false,
    fixedMarkers: [],
  },
} satisfies DataServiceCatalog<readonly string[], readonly string[]>;

const yesNo = (description: string) => enumOf(['yes', 'no'], { description });
const nonNegative = (description: string) => integer({ description, minimum: 0 });
const memorySize = '^[1-9][0-9]*((k|m|g)b?)?$';

/** Parameters that configure replication or Sentinel, which single-node plans do not have. */
export const clusteredOnlyKeyvalueParameters = [
  'hostnameResolution',
  'downAfterMilliseconds',
  'failoverTimeout',
  'minReplicasMaxLag',
  'minReplicasToWrite',
  'replBacklogSize',
] as const;

export const keyvalueParameters = object(
  {
    snapshot: string({
      description:
        "Snapshot rules as a list ['save <seconds> <changes>', ...], replacing the defaults; [] disables snapshots (cache-only use).",
      rules: [
        {
          rule: "self.matches(\"^\\\\[('save [1-9][0-9]* [1-9][0-9]*'(,'save [1-9][0-9]* [1-9][0-9]*')*)?\\\\]$\")",
          message: "must be [] or a list of rules such as ['save 900 1','save 300 10'].",
        },
      ],
    }),
    replBacklogSize: string({
      description:
        'Replication backlog size, e.g. 10mb (units k, m, g, optionally followed by b). Clustered plans only.',
      rules: [
        {
          rule: `self.matches('${memorySize}')`,
          message: 'must be a positive number, optionally followed by k, m or g (and b), e.g. 10mb.',
        },
      ],
    }),
    minReplicasToWrite: nonNegative(
      'Connected replicas the primary needs to accept writes; 0 disables the check. Clustered plans only.',
    ),
    minReplicasMaxLag: integer({
      description:
        'Seconds of lag after which a replica no longer counts as connected. Clustered plans only.',
      minimum: 1,
    }),
    lazyfreeLazyEviction: yesNo('Whether keys evicted because of maxmemory are freed in the background.'),
    lazyfreeLazyExpire: yesNo('Whether expired keys are freed in the background.'),
    maxmemory: string({
      description:
        'Memory limit per node: dynamic (chosen by a9s KeyValue), 0 (no limit), or a size such as 512mb.',
      rules: [
        {
          rule: "self.matches('^dynamic$|^0$|^[1-9][0-9]*((k|m|g)b?)?$')",
          message:
            'must be dynamic, 0, or a positive size optionally followed by k, m or g (and b), e.g. 512mb.',
        },
      ],
    }),
    maxmemoryPolicy: enumOf(
      [
        'volatile-lru',
        'volatile-lfu',
        'volatile-random',
        'volatile-ttl',
        'allkeys-lru',
        'allkeys-lfu',
        'allkeys-random',
        'noeviction',
      ],
      {
        description:
          'What happens when maxmemory is reached: which keys are evicted, or noeviction to refuse writes.',
      },
    ),
    maxmemorySamples: nonNegative('Keys sampled to choose one for eviction.'),
    maxclients: nonNegative('Maximum number of simultaneously connected clients.'),
    downAfterMilliseconds: nonNegative(
      'Milliseconds a node must be unreachable before Sentinel considers it down. Clustered plans only.',
    ),
    failoverTimeout: nonNegative('Failover timeout of Sentinel in milliseconds. Clustered plans only.'),
    hostnameResolution: enumOf(['disabled', 'resolve-only', 'enabled'], {
      description:
        'Hostname support in Valkey and Sentinel. Move between enabled and disabled through resolve-only. Clustered plans only.',
    }),
    tlsProtocols: enumOf(['TLSv1.2', 'TLSv1.3', 'TLSv1.2 TLSv1.3', 'TLSv1.3 TLSv1.2'], {
      description: 'TLS versions accepted. With TLSv1.3 alone, Valkey metrics are not available.',
    }),
    tlsCiphers: string({
      description:
        'TLS 1.2 ciphers accepted, in OpenSSL notation. Not validated: a wrong value can break the instance.',
    }),
    tlsCiphersuites: string({
      description:
        'TLS 1.3 cipher suites accepted, in OpenSSL notation. Not validated: a wrong value can break the instance.',
    }),
    luaTimeLimit: nonNegative('Milliseconds a Lua script may run.'),
    notifyKeyspaceEvents: string({
      description:
        'Keyspace notifications to publish, as Valkey flag characters, e.g. KEA; empty disables them.',
      rules: [
        {
          rule: "self.matches('^$|^[KEg$lshzxeA]*[KE][KEg$lshzxeA]*$')",
          message: 'must be empty or contain only the flags K E g $ l s h z x e A, with at least one K or E.',
        },
      ],
    }),
  },
  { description: 'Valkey settings applied by the broker.' },
);

function clusteredOnly(parameter: string): ValidationRule {
  return {
    rule: `!has(self.parameters) || !has(self.parameters.${parameter}) || self.plan.contains('-replica-')`,
    message: `parameters.${parameter} applies only to clustered plans (keyvalue-replica-*); remove it or choose a clustered plan.`,
    fieldPath: `.parameters.${parameter}`,
  };
}

export const keyvalueInstanceKind = defineInstanceKind({
  kind: 'KeyvalueInstance',
  plural: 'keyvalueinstances',
  catalog: keyvalueCatalog,
  parameters: keyvalueParameters,
  specRules: clusteredOnlyKeyvalueParameters.map(clusteredOnly),
});

export type KeyvalueInstance = ObjectOf<typeof keyvalueInstanceKind>;
export type KeyvalueInstanceSpec = SpecOf<typeof keyvalueInstanceKind>;
export type KeyvalueInstanceStatus = StatusOf<typeof keyvalueInstanceKind>;
