import { defaultConnectionLimit } from '../catalog/planShape.js';
import type { InstanceResourceNames } from './resourceNames.js';

/** How an instance's databases and binding users should look for a plan and its parameters. */
export interface MariadbInstanceSettings {
  /** MAX_USER_CONNECTIONS of every binding user (MariaDB limits connections per user, not per database). */
  maxUserConnections: number;
  /** Full names of the extra databases (parameter `databases`). */
  extraDatabases: string[];
}

export const appliedMariadbKeys = ['databases', 'grant_performance_schema_permissions'] as const;

/** Pure: the parameters have been validated against the plan schema before they get here. */
export function mariadbInstanceSettings(
  names: InstanceResourceNames,
  planName: string,
  parameters: Record<string, unknown>,
): MariadbInstanceSettings {
  const databases = Array.isArray(parameters.databases) ? parameters.databases.map(String) : [];
  return {
    maxUserConnections: defaultConnectionLimit(planName),
    extraDatabases: databases.map((d) => `${names.extraDatabasePrefix}${d}`),
  };
}
