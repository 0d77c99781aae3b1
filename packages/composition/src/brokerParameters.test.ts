import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceInstanceTypes } from '@klutch/api';
import type { JsonSchemaProps } from '@klutch/api';
import { brokerParameterTables } from './brokerParameterTables.js';
import { toBrokerParameters } from './brokerParameters.js';
import { instanceKinds } from './instanceKinds.js';

function parameterNames(type: (typeof serviceInstanceTypes)[number]): string[] {
  const root = instanceKinds[type].crd.spec.versions[0]?.schema.openAPIV3Schema;
  const spec: JsonSchemaProps | undefined = root?.properties?.spec;
  return Object.keys(spec?.properties?.parameters?.properties ?? {}).sort();
}

describe('broker parameter mapping', () => {
  for (const type of serviceInstanceTypes) {
    it(`${type}: maps exactly the parameters the API defines`, () => {
      const names = parameterNames(type);
      assert.ok(names.length > 0, `no parameters found for ${type}`);
      assert.deepEqual(Object.keys(brokerParameterTables[type]).sort(), names);
    });
  }

  it('postgresql: uses the broker keys of the reference, including the pg_ log settings', () => {
    assert.deepEqual(
      toBrokerParameters('postgresql', {
        maxConnections: 200,
        rolePrivileges: ['CREATEDB'],
        walLevelLogical: true,
        logMinMessages: 'WARNING',
        logMinErrorStatement: 'ERROR',
        idleInTransactionSessionTimeout: 0,
      }),
      {
        max_connections: 200,
        role_privileges: ['CREATEDB'],
        wal_level_logical: true,
        pg_log_min_messages: 'WARNING',
        pg_log_min_error_statement: 'ERROR',
        idle_in_transaction_session_timeout: 0,
      },
    );
  });

  it('keyvalue: uses dash case', () => {
    assert.deepEqual(
      toBrokerParameters('keyvalue', {
        maxmemoryPolicy: 'allkeys-lru',
        snapshot: "['save 900 1']",
        notifyKeyspaceEvents: 'KEA',
        lazyfreeLazyExpire: 'yes',
      }),
      {
        'maxmemory-policy': 'allkeys-lru',
        snapshot: "['save 900 1']",
        'notify-keyspace-events': 'KEA',
        'lazyfree-lazy-expire': 'yes',
      },
    );
  });

  it('logme2, search, messaging, mariadb, prometheus: mixed snake and dash case', () => {
    assert.deepEqual(
      toBrokerParameters('logme2', {
        javaHeapspace: 512,
        fluentdTlsMinVersion: 'TLS1_2',
        opensearchTlsProtocols: ['TLSv1.3'],
        groks: [{ pattern: '%{GREEDYDATA:x}' }],
      }),
      {
        java_heapspace: 512,
        'fluentd-tls-min-version': 'TLS1_2',
        'opensearch-tls-protocols': ['TLSv1.3'],
        groks: [{ pattern: '%{GREEDYDATA:x}' }],
      },
    );
    assert.deepEqual(toBrokerParameters('search', { javaGarbageCollector: 'UseG1GC', tlsCiphers: ['A'] }), {
      java_garbage_collector: 'UseG1GC',
      'tls-ciphers': ['A'],
    });
    assert.deepEqual(
      toBrokerParameters('messaging', { consumerTimeout: 1800000, tlsProtocols: ['tlsv1.3'] }),
      {
        consumer_timeout: 1800000,
        'tls-protocols': ['tlsv1.3'],
      },
    );
    assert.deepEqual(
      toBrokerParameters('mariadb', { binlogExpireDays: 3, grantPerformanceSchemaPermissions: false }),
      { binlog_expire_days: 3, grant_performance_schema_permissions: false },
    );
    assert.deepEqual(
      toBrokerParameters('prometheus', { mappingStrictMatch: false, scrapeConfigs: [{ job_name: 'x' }] }),
      { mapping_strict_match: false, scrape_configs: [{ job_name: 'x' }] },
    );
  });

  it('mongodb: renames only the top-level key and keeps the nested structure', () => {
    assert.deepEqual(
      toBrokerParameters('mongodb', {
        setClusterParameter: { changeStreamOptions: { preAndPostImages: { expireAfterSeconds: 'off' } } },
      }),
      {
        set_cluster_parameter: { changeStreamOptions: { preAndPostImages: { expireAfterSeconds: 'off' } } },
      },
    );
  });

  it('gives no parameters for none or an empty object, and passes unknown keys through', () => {
    assert.equal(toBrokerParameters('postgresql', undefined), undefined);
    assert.equal(toBrokerParameters('postgresql', {}), undefined);
    assert.deepEqual(toBrokerParameters('mariadb', { somethingNew: 1 }), { somethingNew: 1 });
  });
});
