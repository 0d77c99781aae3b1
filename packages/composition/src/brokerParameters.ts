import type { ServiceInstanceType } from '@klutch/api';
import { brokerParameterTables } from './brokerParameterTables.js';

/**
 * The claim's parameters renamed to the broker's keys. Values are passed on unchanged. A key
 * missing from the table (a parameter added to the API without a mapping) is passed on under
 * its own name rather than dropped, so the broker can reject it with its own message.
 * Undefined when there are no parameters, so that the managed resource carries none.
 */
export function toBrokerParameters(
  type: ServiceInstanceType,
  parameters: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> | undefined {
  if (!parameters) return undefined;
  const table = brokerParameterTables[type];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (value === undefined) continue;
    out[table[key] ?? key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
