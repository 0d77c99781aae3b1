import { parameterSchema } from './parameterSchema.js';
import type { ParameterCatalog } from './parameterSchema.js';

const sharedServer = 'every key-value instance of the sandbox shares one Redis server';
const noReplicas = 'the sandbox runs a single Redis server without replicas or Sentinel';
const noTls = 'the sandbox Redis server listens on the loopback address without TLS';

/**
 * The a9s KeyValue keys (Valkey configuration names) are all settings of a whole server. The
 * sandbox shares one server between all instances, so it applies none and says why for each.
 */
export const keyvalueParameterCatalog: ParameterCatalog = {
  schema: parameterSchema({}),
  serverLevelKeys: {
    snapshot: `${sharedServer}, whose snapshots the broker configures`,
    maxmemory: `${sharedServer} (a memory limit would evict other instances' keys)`,
    'maxmemory-policy': sharedServer,
    'maxmemory-samples': sharedServer,
    maxclients: sharedServer,
    'lazyfree-lazy-eviction': sharedServer,
    'lazyfree-lazy-expire': sharedServer,
    'lua-time-limit': `${sharedServer} and bindings may not run scripts`,
    'notify-keyspace-events': `${sharedServer} (notifications would name other instances' keys)`,
    'repl-backlog-size': noReplicas,
    'min-replicas-to-write': noReplicas,
    'min-replicas-max-lag': noReplicas,
    'down-after-milliseconds': noReplicas,
    'failover-timeout': noReplicas,
    'hostname-resolution': noReplicas,
    'tls-protocols': noTls,
    'tls-ciphers': noTls,
    'tls-ciphersuites': noTls,
  },
  refusedValues: {},
};
