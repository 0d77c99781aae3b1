import { keyvalueCatalog, mariadbCatalog, postgresqlCatalog } from '@klutch/api';
import { keyvalueParameterCatalog } from '../parameters/keyvalueParameters.js';
import { mariadbParameterCatalog } from '../parameters/mariadbParameters.js';
import type { ParameterCatalog } from '../parameters/parameterSchema.js';
import { postgresParameterCatalog } from '../parameters/postgresParameters.js';

/** The data services the sandbox can run; the values equal the app-facing `serviceInstanceType`. */
export type EngineKind = 'postgresql' | 'mariadb' | 'keyvalue';

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
  /** Why the sandbox cannot run a plan of the a9s API, or undefined when it can (default: it runs every plan). */
  planRefusal?(planName: string): string | undefined;
  /** What an instance is, for the catalog (default: a database on the shared server with a connection limit). */
  describeInstance?: { summary: string; service: string; plan(planName: string): string };
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

export const keyvalueOffering: EngineOffering = {
  engine: 'keyvalue',
  productName: 'KeyValue',
  serviceNames: keyvalueCatalog.services,
  planNames: keyvalueCatalog.plans,
  tags: ['keyvalue', 'redis', 'valkey', 'klutch-sandbox'],
  parameters: keyvalueParameterCatalog,
  versionOf: (serviceName) => serviceName.replace(/^a9s-keyvalue/, ''),
  planRefusal: (planName) =>
    planName.includes('-replica-')
      ? `plan ${planName} runs a primary with replicas and Sentinel, but the sandbox has one shared Redis ` +
        'server without replicas; choose a keyvalue-single-* plan'
      : undefined,
  describeInstance: {
    summary: 'a key namespace on the local Redis server',
    service:
      "Each instance is the key namespace <instance-id>: on the sandbox's shared Redis server; each binding is an " +
      'ACL user limited to that namespace (keys and channels) and to data commands. Backups and restores run ' +
      'through the backup-manager API.',
    plan: (planName) =>
      planName.includes('-replica-')
        ? `KeyValue ${planName}: not available in the sandbox (it has no replicas or Sentinel).`
        : `KeyValue ${planName}: a key namespace on the sandbox's shared Redis server (no TLS, no memory limit of its own).`,
  },
};
