import { mariadbCatalog, postgresqlCatalog, prometheusCatalog } from '@klutch/api';
import { mariadbParameterCatalog } from '../parameters/mariadbParameters.js';
import type { ParameterCatalog } from '../parameters/parameterSchema.js';
import { postgresParameterCatalog } from '../parameters/postgresParameters.js';
import { prometheusParameterCatalog } from '../parameters/prometheusParameters.js';

/** The data services the sandbox can run; the values equal the app-facing `serviceInstanceType`. */
export type EngineKind = 'postgresql' | 'mariadb' | 'prometheus';

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
  /** Plans of the a9s API that the sandbox cannot run, with the reason (the broker refuses them). */
  refusedPlans?: Readonly<Record<string, string>>;
  /** Catalog texts, when an instance is not a database on a shared server. */
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
  refusedPlans: Object.fromEntries(
    prometheusCatalog.plans
      .filter((p) => !p.startsWith('prometheus-single-'))
      .map((p) => [p, grafanaRefused]),
  ),
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
