import { jsonEqualIgnoringArrayOrder, type JsonObject } from './jsonValues.js';

/**
 * The `parameters` of an OSB update that turns the observed parameters into the desired ones:
 * a key that is no longer wanted is sent as null (brokers treat that as "back to the default"),
 * a new or changed key with its whole new value. Undefined when nothing differs, so that the
 * update request leaves `parameters` out and the broker does not see a parameter change. An
 * observed null is an unset parameter, not a value to remove again.
 */
export function parameterDiff(
  observed: JsonObject | undefined,
  desired: JsonObject | undefined,
): JsonObject | undefined {
  const before = observed ?? {};
  const after = desired ?? {};
  const diff: JsonObject = {};
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && before[key] !== null && after[key] === undefined) diff[key] = null;
  }
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined || (value === null && (before[key] === undefined || before[key] === null)))
      continue;
    if (!jsonEqualIgnoringArrayOrder(before[key], value)) diff[key] = value;
  }
  return Object.keys(diff).length > 0 ? diff : undefined;
}
