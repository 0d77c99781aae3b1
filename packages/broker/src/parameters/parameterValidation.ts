import ajvDraft04 from 'ajv-draft-04';
import type { ErrorObject } from 'ajv-draft-04';
import type { ParameterCatalog } from './parameterSchema.js';

/** Returns one sentence per problem; an empty list means the parameters are valid. */
export type ParameterValidator = (parameters: unknown) => string[];

/**
 * Compiles a plan's parameter schema (JSON Schema draft-04, as OSB requires) into a validator whose
 * messages name the failing parameter and the rule, and explain keys the sandbox cannot apply.
 */
export function compileParameterValidator(catalog: ParameterCatalog): ParameterValidator {
  const ajv = new ajvDraft04.default({ allErrors: true, strict: false });
  const validate = ajv.compile(catalog.schema);
  const known = Object.keys(catalog.schema.properties).sort();
  return (parameters) => {
    if (validate(parameters)) return refusedParameterValues(catalog, parameters as Record<string, unknown>);
    return (validate.errors ?? []).map((e) => describeError(e, catalog, known));
  };
}

/**
 * One sentence per value the broker refuses although the schema allows it (see
 * `ParameterCatalog.refusedValues`). Also used on the stored parameters of an existing instance,
 * whose values an older broker may have accepted.
 */
export function refusedParameterValues(
  catalog: ParameterCatalog,
  parameters: Record<string, unknown>,
): string[] {
  const problems: string[] = [];
  for (const [key, refused] of Object.entries(catalog.refusedValues)) {
    const value = parameters[key];
    const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    for (const item of values) {
      const reason = refused[String(item)];
      if (reason !== undefined) {
        problems.push(
          `parameter "${key}" value ${String(item)} is not available on a shared ${reason}; remove it.`,
        );
      }
    }
  }
  return problems;
}

function pathOf(instancePath: string): string {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  return segments.map((s, i) => (i > 0 && /^\d+$/.test(s) ? `[${s}]` : i > 0 ? `.${s}` : s)).join('');
}

function describeError(error: ErrorObject, catalog: ParameterCatalog, known: string[]): string {
  const path = pathOf(error.instancePath);
  if (path === '') {
    if (error.keyword === 'additionalProperties') {
      const key = String((error.params as { additionalProperty?: unknown }).additionalProperty);
      const reason = catalog.serverLevelKeys[key];
      if (reason !== undefined) {
        return `parameter "${key}" cannot be set on the sandbox broker because ${reason}; remove it from the parameters.`;
      }
      return `parameter "${key}" is not supported; supported parameters are: ${known.join(', ')}.`;
    }
    return `parameters ${error.message ?? 'are invalid'}: they must be a JSON object.`;
  }
  const topLevel = path.split(/[.[]/)[0] ?? path;
  const hint = catalog.schema.properties[topLevel]?.description;
  const rule = ruleOf(error);
  return `parameter "${path}" ${rule}${hint ? ` (${hint})` : ''}.`;
}

function ruleOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'not':
      return 'has a value that is not allowed';
    case 'uniqueItems':
      return 'must not contain duplicates';
    default:
      return error.message ?? `violates the rule ${error.keyword}`;
  }
}
