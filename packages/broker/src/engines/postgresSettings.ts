import { defaultConnectionLimit } from '../catalog/planShape.js';

/** How an instance's database and binding roles should look for a plan and its parameters. */
export interface PostgresDatabaseSettings {
  connectionLimit: number;
  /** Every setting the broker manages, in a fixed order; `value: null` means RESET to the server default. */
  settings: Array<{ name: string; value: string | null }>;
}

/**
 * Attributes every binding role gets, whatever its instance's parameters say: the broker refuses
 * `role_privileges` (their effect would not stay inside the instance on a shared server), and an
 * instance an older broker accepted them for loses them on its next update or bind.
 */
export const bindingRoleAttributes = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';

/** Broker parameter key → PostgreSQL setting, for the keys applied with ALTER DATABASE ... SET. */
export const databaseSettingOf: Readonly<Record<string, string>> = {
  effective_cache_size: 'effective_cache_size',
  work_mem: 'work_mem',
  maintenance_work_mem: 'maintenance_work_mem',
  temp_file_limit: 'temp_file_limit',
  track_io_timing: 'track_io_timing',
  statement_timeout: 'statement_timeout',
  idle_in_transaction_session_timeout: 'idle_in_transaction_session_timeout',
  synchronous_commit: 'synchronous_commit',
  client_min_messages: 'client_min_messages',
  pg_log_min_messages: 'log_min_messages',
  pg_log_min_error_statement: 'log_min_error_statement',
  log_statement: 'log_statement',
  log_error_verbosity: 'log_error_verbosity',
};

/** Keys applied in another way than a database setting. */
export const specialPostgresKeys = ['max_connections', 'role_privileges'] as const;

// Enumerated settings are case-insensitive in PostgreSQL; storing one spelling keeps the catalog tidy.
// Memory sizes are not: 'kB' must stay as it is.
const lowerCaseSettings = new Set([
  'client_min_messages',
  'log_min_messages',
  'log_min_error_statement',
  'log_error_verbosity',
]);

function settingValue(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  // Validated parameters never get here; a schema mistake should not become '[object Object]'.
  return JSON.stringify(raw);
}

/** Pure: the parameters have been validated against the plan schema before they get here. */
export function postgresDatabaseSettings(
  planName: string,
  parameters: Record<string, unknown>,
): PostgresDatabaseSettings {
  const maxConnections = parameters.max_connections;
  return {
    connectionLimit: typeof maxConnections === 'number' ? maxConnections : defaultConnectionLimit(planName),
    settings: Object.entries(databaseSettingOf).map(([key, name]) => {
      const raw = parameters[key];
      if (raw === undefined || raw === null) return { name, value: null };
      const value = settingValue(raw);
      return { name, value: lowerCaseSettings.has(name) ? value.toLowerCase() : value };
    }),
  };
}
