import {
  keyvalueCatalog,
  mariadbCatalog,
  messagingCatalog,
  postgresqlCatalog,
  prometheusCatalog,
} from '@klutch/api';
import { messagingRefusal } from '../engines/rabbitmqDefinitions.js';
import { keyvalueParameterCatalog } from '../parameters/keyvalueParameters.js';
import { mariadbParameterCatalog } from '../parameters/mariadbParameters.js';
import { messagingParameterCatalog } from '../parameters/messagingParameters.js';
import type { ParameterCatalog } from '../parameters/parameterSchema.js';
import { postgresParameterCatalog } from '../parameters/postgresParameters.js';
import { prometheusParameterCatalog } from '../parameters/prometheusParameters.js';

/** The data services the sandbox can run; the values equal the app-facing `serviceInstanceType`. */
export type EngineKind = 'postgresql' | 'mariadb' | 'keyvalue' | 'messaging' | 'prometheus';

/** What one engine offers in the catalog: the app-facing service and plan names and the parameters. */
export interface EngineOffering {
  engine: EngineKind;
  productName: string;
  serviceNames: readonly string[];
  planNames: readonly string[];
  tags: readonly string[];
  parameters: ParameterCatalog;
  /** `a9s-mariadb1011` → `10.11`: the version a real a9s service would run. */
  versionOf(serviceName: string): string;
  /** Why the sandbox's server cannot honour a service and plan of the catalog (undefined: it can). */
  refusal?(serviceName: string, planName: string, serverVersion: string): string | undefined;
  /** What an instance is, for the catalog's descriptions (default: a database). */
  instanceNoun?: string;
  /** Catalog texts, when an instance is not something on a shared server. */
  describe?: {
    service(displayName: string): string;
    longDescription(serverVersion: string): string;
    plan(planName: string): string;
  };
}

export const postgresOffering: EngineOffering = {
  engine: 'postgresql',
  productName: 'PostgreSQL',
  serviceNames: postgresqlCatalog.services,
  planNames: postgresqlCatalog.plans,
  tags: ['postgresql', 'relational', 'sql', 'klutch-sandbox'],
  parameters: postgresParameterCatalog,
  versionOf: (serviceName) => serviceName.replace(/^a9s-postgresql/, ''),
};

export const mariadbOffering: EngineOffering = {
  engine: 'mariadb',
  productName: 'MariaDB',
  serviceNames: mariadbCatalog.services,
  planNames: mariadbCatalog.plans,
  tags: ['mariadb', 'mysql', 'relational', 'sql', 'klutch-sandbox'],
  parameters: mariadbParameterCatalog,
  versionOf: (serviceName) => {
    const digits = serviceName.replace(/^a9s-mariadb/, '');
    return `${digits.slice(0, 2)}.${digits.slice(2)}`;
  },
};

const grafanaRefused =
  'the sandbox runs a single Prometheus server per instance and no Grafana; use a prometheus-single-* plan';

export const prometheusOffering: EngineOffering = {
  engine: 'prometheus',
  productName: 'Prometheus',
  serviceNames: prometheusCatalog.services,
  planNames: prometheusCatalog.plans,
  tags: ['prometheus', 'monitoring', 'metrics', 'klutch-sandbox'],
  parameters: prometheusParameterCatalog,
  versionOf: () => '2',
  refusal: (_serviceName, planName) =>
    planName.startsWith('prometheus-single-') ? undefined : grafanaRefused,
  describe: {
    service: (displayName) =>
      `${displayName} (Klutch sandbox): a Prometheus server of its own that receives samples by remote write.`,
    longDescription: (serverVersion) =>
      `Each instance is a Prometheus ${serverVersion} server process of its own on a loopback port, with its ` +
      'own data directory; each binding is a basic-auth user that may remote-write samples and query them. ' +
      'Backups are TSDB snapshots taken through the backup-manager API.',
    plan: (planName) =>
      planName.startsWith('prometheus-single-')
        ? `Prometheus single-server plan (${planName.includes('-big') ? '30 days, 2 GB' : '15 days, 512 MB'} of history).`
        : `Prometheus with Grafana: not available in the sandbox (${grafanaRefused}).`,
  },
};

export const messagingOffering: EngineOffering = {
  engine: 'messaging',
  productName: 'RabbitMQ',
  serviceNames: messagingCatalog.services,
  planNames: messagingCatalog.plans,
  tags: ['rabbitmq', 'messaging', 'amqp', 'klutch-sandbox'],
  parameters: messagingParameterCatalog,
  versionOf: (serviceName) => {
    const digits = serviceName.replace(/^a9s-messaging/, '');
    return digits.length > 1 ? `${digits.slice(0, 1)}.${digits.slice(1)}` : digits;
  },
  refusal: (serviceName, planName, serverVersion) =>
    messagingRefusal(serviceName, messagingOffering.versionOf(serviceName), planName, serverVersion),
  instanceNoun: 'virtual host',
};

export const keyvalueOffering: EngineOffering = {
  engine: 'keyvalue',
  productName: 'KeyValue',
  serviceNames: keyvalueCatalog.services,
  planNames: keyvalueCatalog.plans,
  tags: ['keyvalue', 'redis', 'valkey', 'klutch-sandbox'],
  parameters: keyvalueParameterCatalog,
  versionOf: (serviceName) => serviceName.replace(/^a9s-keyvalue/, ''),
  refusal: (_serviceName, planName) =>
    planName.includes('-replica-')
      ? `plan ${planName} runs a primary with replicas and Sentinel, but the sandbox has one shared Redis ` +
        'server without replicas; choose a keyvalue-single-* plan'
      : undefined,
  describe: {
    service: (displayName) => `${displayName} (Klutch sandbox): a key namespace on the local Redis server.`,
    longDescription: () =>
      "Each instance is the key namespace <instance-id>: on the sandbox's shared Redis server; each binding is an " +
      'ACL user limited to that namespace (keys and channels) and to data commands. Backups and restores run ' +
      'through the backup-manager API.',
    plan: (planName) =>
      planName.includes('-replica-')
        ? `KeyValue ${planName}: not available in the sandbox (it has no replicas or Sentinel).`
        : `KeyValue ${planName}: a key namespace on the sandbox's shared Redis server (no TLS, no memory limit of its own).`,
  },
};
