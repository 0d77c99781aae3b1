import type { ServiceInstanceType } from '@klutch/api';

/**
 * How each claim parameter (camelCase, as users write it) is named in the broker's parameters,
 * per data service (the a9s compositions of the reference, section 7.2). Only the top-level key is
 * renamed: nested values, such as MongoDB's setClusterParameter, keep their inner keys.
 */
export const brokerParameterTables: Readonly<Record<ServiceInstanceType, Readonly<Record<string, string>>>> =
  {
    postgresql: {
      dataChecksums: 'data_checksums',
      maxConnections: 'max_connections',
      effectiveCacheSize: 'effective_cache_size',
      workMem: 'work_mem',
      maintenanceWorkMem: 'maintenance_work_mem',
      tempFileLimit: 'temp_file_limit',
      trackIoTiming: 'track_io_timing',
      archiveTimeout: 'archive_timeout',
      statementTimeout: 'statement_timeout',
      idleInTransactionSessionTimeout: 'idle_in_transaction_session_timeout',
      rolePrivileges: 'role_privileges',
      walLevelLogical: 'wal_level_logical',
      walWriterDelay: 'wal_writer_delay',
      maxReplicationSlots: 'max_replication_slots',
      maxWalSenders: 'max_wal_senders',
      synchronousCommit: 'synchronous_commit',
      clientMinMessages: 'client_min_messages',
      // The broker prefixes the two server-log settings with pg_.
      logMinMessages: 'pg_log_min_messages',
      logMinErrorStatement: 'pg_log_min_error_statement',
      logStatement: 'log_statement',
      logErrorVerbosity: 'log_error_verbosity',
    },
    mariadb: {
      binlogExpireDays: 'binlog_expire_days',
      databases: 'databases',
      grantPerformanceSchemaPermissions: 'grant_performance_schema_permissions',
    },
    mongodb: {
      setClusterParameter: 'set_cluster_parameter',
    },
    messaging: {
      consumerTimeout: 'consumer_timeout',
      tlsProtocols: 'tls-protocols',
      tlsCiphers: 'tls-ciphers',
    },
    search: {
      javaHeapspace: 'java_heapspace',
      javaMaxmetaspace: 'java_maxmetaspace',
      javaGarbageCollector: 'java_garbage_collector',
      tlsProtocols: 'tls-protocols',
      tlsCiphers: 'tls-ciphers',
    },
    logme2: {
      javaHeapspace: 'java_heapspace',
      javaMaxmetaspace: 'java_maxmetaspace',
      javaGarbageCollector: 'java_garbage_collector',
      ismJobInterval: 'ism_job_interval',
      ismDeletionAfter: 'ism_deletion_after',
      ismJitter: 'ism_jitter',
      opensearchTlsProtocols: 'opensearch-tls-protocols',
      opensearchTlsCiphers: 'opensearch-tls-ciphers',
      fluentdUdp: 'fluentd-udp',
      fluentdTcp: 'fluentd-tcp',
      fluentdTls: 'fluentd-tls',
      fluentdTlsCiphers: 'fluentd-tls-ciphers',
      fluentdTlsVersion: 'fluentd-tls-version',
      fluentdTlsMinVersion: 'fluentd-tls-min-version',
      fluentdTlsMaxVersion: 'fluentd-tls-max-version',
      groks: 'groks',
    },
    prometheus: {
      mappingStrictMatch: 'mapping_strict_match',
      scrapeConfigs: 'scrape_configs',
    },
    // Valkey's own configuration names (dash case).
    keyvalue: {
      snapshot: 'snapshot',
      replBacklogSize: 'repl-backlog-size',
      minReplicasToWrite: 'min-replicas-to-write',
      minReplicasMaxLag: 'min-replicas-max-lag',
      lazyfreeLazyEviction: 'lazyfree-lazy-eviction',
      lazyfreeLazyExpire: 'lazyfree-lazy-expire',
      maxmemory: 'maxmemory',
      maxmemoryPolicy: 'maxmemory-policy',
      maxmemorySamples: 'maxmemory-samples',
      maxclients: 'maxclients',
      downAfterMilliseconds: 'down-after-milliseconds',
      failoverTimeout: 'failover-timeout',
      hostnameResolution: 'hostname-resolution',
      tlsProtocols: 'tls-protocols',
      tlsCiphers: 'tls-ciphers',
      tlsCiphersuites: 'tls-ciphersuites',
      luaTimeLimit: 'lua-time-limit',
      notifyKeyspaceEvents: 'notify-keyspace-events',
    },
  };
