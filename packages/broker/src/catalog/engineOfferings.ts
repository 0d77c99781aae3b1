import { mariadbCatalog, messagingCatalog, postgresqlCatalog } from '@klutch/api';
import { messagingRefusal } from '../engines/rabbitmqDefinitions.js';
import { mariadbParameterCatalog } from '../parameters/mariadbParameters.js';
import { messagingParameterCatalog } from '../parameters/messagingParameters.js';
import type { ParameterCatalog } from '../parameters/parameterSchema.js';
import { postgresParameterCatalog } from '../parameters/postgresParameters.js';

/** The data services the sandbox can run; the values equal the app-facing `serviceInstanceType`. */
export type EngineKind = 'postgresql' | 'mariadb' | 'messaging';

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
