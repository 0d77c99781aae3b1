import { jsonEqualIgnoringArrayOrder, type JsonObject } from './jsonValues.js';

/**
 * The `parameters` of an OSB update that brings the broker to the desired parameters: the whole
 * desired set, as the spec's update (PATCH) carries the parameters the instance should have. OSB
 * defines no way to remove a parameter (a null is not a value a schema-validating broker
 * accepts), so a key that is only in `observed` is no reason to update: a parameter is reset by
 * setting it to its default value explicitly. Undefined when every desired key already has its
 * value, so the update leaves `parameters` out and the broker sees no parameter change. A desired
 * null is an unset parameter and matches an absent one.
 */
export function parameterDiff(
  observed: JsonObject | undefined,
  desired: JsonObject | undefined,
): JsonObject | undefined {
  const before = observed ?? {};
  const after = desired ?? {};
  const changed = Object.entries(after).some(([key, value]) => {
    if (value === undefined || (value === null && (before[key] === undefined || before[key] === null)))
      return false;
    return !jsonEqualIgnoringArrayOrder(before[key], value);
  });
  if (!changed) return undefined;
  const full: JsonObject = Object.fromEntries(Object.entries(after).filter(([, v]) => v !== undefined));
  return full;
}
