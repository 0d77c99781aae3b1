import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/** Where one instance's Prometheus keeps its files, under `<managed-servers-dir>/prometheus/`. */
export interface PrometheusPaths {
  /** Owned by the server account (mode 0700): everything Prometheus reads or writes. */
  dir: string;
  dataDir: string;
  config: string;
  /** Tenant users and the broker's admin user. */
  webConfig: string;
  /** Only the broker's admin user: used while the admin API is on. */
  adminWebConfig: string;
  pidFile: string;
  /** The port and the admin password; owned by the broker, outside the server's directory. */
  secretsFile: string;
}

export function prometheusPaths(baseDir: string, name: string): PrometheusPaths {
  const dir = join(baseDir, name);
  return {
    dir,
    dataDir: join(dir, 'data'),
    config: join(dir, 'prometheus.yml'),
    webConfig: join(dir, 'web.yml'),
    adminWebConfig: join(dir, 'web-admin.yml'),
    pidFile: join(dir, 'prometheus.pid'),
    secretsFile: join(baseDir, `${name}.json`),
  };
}

/**
 * `serve` is how tenants use the server. `admin` turns the admin API on, which Prometheus cannot
 * restrict to one user: in that mode the web configuration admits the broker's user only, so the
 * API is never reachable with a binding's credentials.
 */
export type PrometheusMode = 'serve' | 'admin';

export interface PrometheusLimits {
  retentionTime: string;
  retentionSize: string;
}

/** The plan decides how much history an instance keeps. */
export function prometheusLimits(planName: string): PrometheusLimits {
  return planName.includes('-big')
    ? { retentionTime: '30d', retentionSize: '2GB' }
    : { retentionTime: '15d', retentionSize: '512MB' };
}

export function prometheusArgs(
  paths: PrometheusPaths,
  port: number,
  mode: PrometheusMode,
  limits: PrometheusLimits,
): string[] {
  return [
    `--config.file=${paths.config}`,
    `--storage.tsdb.path=${paths.dataDir}`,
    `--storage.tsdb.retention.time=${limits.retentionTime}`,
    `--storage.tsdb.retention.size=${limits.retentionSize}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.config.file=${mode === 'admin' ? paths.adminWebConfig : paths.webConfig}`,
    '--web.enable-remote-write-receiver',
    ...(mode === 'admin' ? ['--web.enable-admin-api'] : []),
    '--log.format=json',
  ];
}

/**
 * No scrape targets: samples arrive by remote write only (a scrape would reach addresses the
 * tenant chooses, from the broker's machine).
 */
export function prometheusConfig(instanceId: string): string {
  return stringify({
    global: { external_labels: { klutch_instance: instanceId } },
    scrape_configs: [],
  });
}

/** Username → bcrypt hash. */
export type WebUsers = Readonly<Record<string, string>>;

/** The exporter-toolkit web configuration, which Prometheus reads again on every request. */
export function renderWebConfig(users: WebUsers): string {
  const sorted = Object.fromEntries(Object.entries(users).sort(([a], [b]) => a.localeCompare(b)));
  return stringify({ basic_auth_users: sorted });
}

export function parseWebConfig(text: string): Record<string, string> {
  const parsed = parse(text) as { basic_auth_users?: unknown } | null;
  const users = parsed?.basic_auth_users;
  if (users === undefined || users === null) return {};
  if (typeof users !== 'object' || Array.isArray(users)) {
    throw new Error('the web configuration has no basic_auth_users map');
  }
  const result: Record<string, string> = {};
  for (const [name, hash] of Object.entries(users)) {
    if (typeof hash !== 'string') throw new Error(`the web configuration's user ${name} has no hash`);
    result[name] = hash;
  }
  return result;
}
