import type { JsonSchemaProps, ValidationRule } from './jsonSchema.js';

/**
 * A schema fragment that carries its TypeScript value type, so that one declaration yields both the
 * CRD's openAPIV3Schema and the exported types (no hand-written interface can drift from the CRD).
 * `R` records whether the field is required in its parent object.
 */
export interface Schema<T, R extends boolean = boolean> {
  readonly json: JsonSchemaProps;
  readonly isRequired: R;
  /** Phantom member: never set at runtime, only read by `Infer`. */
  readonly __type?: T;
}

export type Infer<S> = S extends Schema<infer T, boolean> ? T : never;

export type Props = Record<string, Schema<unknown, boolean>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type RequiredKeys<P extends Props> = {
  [K in keyof P]: P[K] extends Schema<unknown, true> ? K : never;
}[keyof P];

export type InferProps<P extends Props> = Simplify<
  { [K in RequiredKeys<P>]: Infer<P[K]> } & { [K in Exclude<keyof P, RequiredKeys<P>>]?: Infer<P[K]> }
>;

interface CommonOptions<T> {
  description?: string;
  default?: T;
  rules?: ValidationRule[];
  nullable?: boolean;
}

export interface StringOptions<T extends string = string> extends CommonOptions<T> {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: 'date-time' | 'date' | 'byte' | 'uri' | 'duration' | 'int-or-string' | 'password';
}

export interface NumberOptions extends CommonOptions<number> {
  minimum?: number;
  maximum?: number;
  format?: 'int32' | 'int64' | 'double' | 'float';
}

export interface ArrayOptions<T> extends CommonOptions<T[]> {
  minItems?: number;
  maxItems?: number;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
}

export interface ObjectOptions<T> extends CommonOptions<T> {
  minProperties?: number;
  maxProperties?: number;
  preserveUnknownFields?: boolean;
  mapType?: 'atomic' | 'granular';
}

function common<T>(opts: CommonOptions<T> | undefined): JsonSchemaProps {
  const out: JsonSchemaProps = {};
  if (opts?.description !== undefined) out.description = opts.description;
  if (opts?.default !== undefined) out.default = opts.default;
  if (opts?.nullable !== undefined) out.nullable = opts.nullable;
  return out;
}

function withRules(json: JsonSchemaProps, rules: ValidationRule[] | undefined): JsonSchemaProps {
  if (rules && rules.length > 0) json['x-kubernetes-validations'] = rules.map((r) => ({ ...r }));
  return json;
}

function make<T>(json: JsonSchemaProps): Schema<T, false> {
  return { json, isRequired: false };
}

export function string(opts?: StringOptions): Schema<string, false> {
  const json: JsonSchemaProps = { type: 'string', ...common(opts) };
  if (opts?.format !== undefined) json.format = opts.format;
  if (opts?.pattern !== undefined) json.pattern = opts.pattern;
  if (opts?.minLength !== undefined) json.minLength = opts.minLength;
  if (opts?.maxLength !== undefined) json.maxLength = opts.maxLength;
  return make(withRules(json, opts?.rules));
}

/** A string restricted to a closed set of values; the value type is the union of the literals. */
export function enumOf<const V extends readonly string[]>(
  values: V,
  opts?: StringOptions<V[number]>,
): Schema<V[number], false> {
  if (values.length === 0) throw new Error('enumOf needs at least one value');
  const json: JsonSchemaProps = { type: 'string', ...common(opts), enum: [...values] };
  if (opts?.maxLength !== undefined) json.maxLength = opts.maxLength;
  return make(withRules(json, opts?.rules));
}

export function dateTime(opts?: CommonOptions<string>): Schema<string, false> {
  return string({ ...opts, format: 'date-time' });
}

export function integer(opts?: NumberOptions): Schema<number, false> {
  return numeric('integer', opts);
}

export function number(opts?: NumberOptions): Schema<number, false> {
  return numeric('number', opts);
}

function numeric(type: 'integer' | 'number', opts: NumberOptions | undefined): Schema<number, false> {
  const json: JsonSchemaProps = { type, ...common(opts) };
  if (opts?.format !== undefined) json.format = opts.format;
  if (opts?.minimum !== undefined) json.minimum = opts.minimum;
  if (opts?.maximum !== undefined) json.maximum = opts.maximum;
  return make(withRules(json, opts?.rules));
}

export function boolean(opts?: CommonOptions<boolean>): Schema<boolean, false> {
  return make(withRules({ type: 'boolean', ...common(opts) }, opts?.rules));
}

export function array<S extends Schema<unknown, boolean>>(
  items: S,
  opts?: ArrayOptions<Infer<S>>,
): Schema<Infer<S>[], false> {
  const json: JsonSchemaProps = { type: 'array', ...common(opts), items: items.json };
  if (opts?.minItems !== undefined) json.minItems = opts.minItems;
  if (opts?.maxItems !== undefined) json.maxItems = opts.maxItems;
  if (opts?.listType !== undefined) json['x-kubernetes-list-type'] = opts.listType;
  if (opts?.listMapKeys !== undefined) json['x-kubernetes-list-map-keys'] = [...opts.listMapKeys];
  return make(withRules(json, opts?.rules));
}

export function object<P extends Props>(
  props: P,
  opts?: ObjectOptions<InferProps<P>>,
): Schema<InferProps<P>, false> {
  const properties: Record<string, JsonSchemaProps> = {};
  const required: string[] = [];
  for (const [name, schema] of Object.entries(props)) {
    properties[name] = schema.json;
    if (schema.isRequired) required.push(name);
  }
  const json: JsonSchemaProps = { type: 'object', ...common(opts) };
  if (Object.keys(properties).length > 0) json.properties = properties;
  if (required.length > 0) json.required = required;
  if (opts?.minProperties !== undefined) json.minProperties = opts.minProperties;
  if (opts?.maxProperties !== undefined) json.maxProperties = opts.maxProperties;
  if (opts?.preserveUnknownFields) json['x-kubernetes-preserve-unknown-fields'] = true;
  if (opts?.mapType !== undefined) json['x-kubernetes-map-type'] = opts.mapType;
  return make(withRules(json, opts?.rules));
}

/** An object with arbitrary keys whose values all follow one schema (`additionalProperties`). */
export function map<S extends Schema<unknown, boolean>>(
  values: S,
  opts?: ObjectOptions<Record<string, Infer<S>>>,
): Schema<Record<string, Infer<S>>, false> {
  const json: JsonSchemaProps = { type: 'object', ...common(opts), additionalProperties: values.json };
  if (opts?.maxProperties !== undefined) json.maxProperties = opts.maxProperties;
  return make(withRules(json, opts?.rules));
}

/** A free-form JSON object kept verbatim by the API server (RawExtension-like fields). */
export function freeformObject(
  opts?: CommonOptions<Record<string, unknown>>,
): Schema<Record<string, unknown>, false> {
  return make(
    withRules({ type: 'object', ...common(opts), 'x-kubernetes-preserve-unknown-fields': true }, opts?.rules),
  );
}

/**
 * A JSON object or a string kept verbatim (a field whose Go type was a string holding serialized
 * JSON, now also accepted as the object itself). Untyped for the API server, so no CEL rules.
 */
export function jsonObjectOrString(opts?: {
  description?: string;
}): Schema<Record<string, unknown> | string, false> {
  return make({ ...common(opts), 'x-kubernetes-preserve-unknown-fields': true });
}

export function intOrString(opts?: CommonOptions<number | string>): Schema<number | string, false> {
  return make(
    withRules(
      {
        ...common(opts),
        anyOf: [{ type: 'integer' }, { type: 'string' }],
        'x-kubernetes-int-or-string': true,
      },
      opts?.rules,
    ),
  );
}

/** Marks a property as required in its parent object. */
export function required<T>(schema: Schema<T, boolean>): Schema<T, true> {
  return { json: schema.json, isRequired: true };
}

/** Returns a copy of the schema with extra CEL rules appended. */
export function withValidations<T, R extends boolean>(
  schema: Schema<T, R>,
  rules: ValidationRule[],
): Schema<T, R> {
  const existing = schema.json['x-kubernetes-validations'] ?? [];
  return {
    json: { ...schema.json, 'x-kubernetes-validations': [...existing, ...rules.map((r) => ({ ...r }))] },
    isRequired: schema.isRequired,
  };
}

/** Returns a copy of the schema with another description (for reused fragments whose meaning differs). */
export function describe<T, R extends boolean>(schema: Schema<T, R>, description: string): Schema<T, R> {
  return { json: { ...schema.json, description }, isRequired: schema.isRequired };
}

/** A CEL transition rule that forbids changing a field once it is set. */
export function immutable(message: string): ValidationRule {
  return { rule: 'self == oldSelf', message };
}
