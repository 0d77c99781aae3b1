import type { Schema } from './builders.js';
import type { JsonSchemaProps } from './jsonSchema.js';

/** A standalone JSON Schema (draft 2020-12) document. */
export type JsonSchemaDocument = Record<string, unknown> & { $schema: string; $id: string; title: string };

/**
 * Turns a schema fragment into a plain JSON Schema document for wire payloads that never reach an API
 * server: the Kubernetes extensions (CEL rules, list types, ...) mean nothing to other validators,
 * and OpenAPI's `nullable` becomes a JSON Schema type union.
 */
export function toJsonSchema(
  schema: Schema<unknown, boolean>,
  meta: { id: string; title: string },
): JsonSchemaDocument {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: meta.id,
    title: meta.title,
    ...convert(schema.json),
  };
}

function convert(props: JsonSchemaProps): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || value === undefined) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchemaProps>).map(([name, child]) => [
          name,
          convert(child),
        ]),
      );
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = convert(value as JsonSchemaProps);
    } else if (key === 'anyOf') {
      out.anyOf = (value as JsonSchemaProps[]).map(convert);
    } else {
      out[key] = value;
    }
  }
  if (props.nullable === true && props.type !== undefined) out.type = [props.type, 'null'];
  return out;
}
