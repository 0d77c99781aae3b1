export type JsonObject = Record<string, unknown>;

export type JsonObjectParse = { ok: true; value: JsonObject } | { ok: false; reason: string };

/**
 * Parses a response body that must be a JSON object. The reason never quotes the
 * body: it may hold credentials, and JSON.parse's own message would echo part of it.
 */
export function parseJsonObject(text: string): JsonObjectParse {
  if (text.trim() === '') return { ok: false, reason: 'the body is empty, a JSON object was expected' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the body is not valid JSON' };
  }
  if (!isJsonObject(value)) {
    return { ok: false, reason: `the body is JSON ${describeJsonType(value)}, a JSON object was expected` };
  }
  return { ok: true, value };
}

/** Like parseJsonObject, but anything unreadable counts as "no object" (for error bodies). */
export function tryParseJsonObject(text: string): JsonObject | undefined {
  const parsed = parseJsonObject(text);
  return parsed.ok ? parsed.value : undefined;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Thrown by the field readers below; callers turn it into their "malformed response" error. */
export class MalformedBodyError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedBodyError';
  }
}

export function optionalString(obj: JsonObject, key: string, where = ''): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw new MalformedBodyError(`${where}"${key}" is ${describeJsonType(v)}, not a string`);
  return v;
}

export function requiredString(obj: JsonObject, key: string, where = ''): string {
  const v = optionalString(obj, key, where);
  if (v === undefined) throw new MalformedBodyError(`${where}"${key}" is missing`);
  return v;
}

export function optionalBoolean(obj: JsonObject, key: string, where = ''): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean')
    throw new MalformedBodyError(`${where}"${key}" is ${describeJsonType(v)}, not a boolean`);
  return v;
}

export function optionalNumber(obj: JsonObject, key: string, where = ''): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new MalformedBodyError(`${where}"${key}" is ${describeJsonType(v)}, not a number`);
  }
  return v;
}

export function optionalObject(obj: JsonObject, key: string, where = ''): JsonObject | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!isJsonObject(v))
    throw new MalformedBodyError(`${where}"${key}" is ${describeJsonType(v)}, not an object`);
  return v;
}

export function optionalArray(obj: JsonObject, key: string, where = ''): unknown[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v))
    throw new MalformedBodyError(`${where}"${key}" is ${describeJsonType(v)}, not an array`);
  return v as unknown[];
}

/** A timestamp field: RFC 3339 / ISO 8601 text that must parse. */
export function optionalDate(obj: JsonObject, key: string, where = ''): Date | undefined {
  const v = optionalString(obj, key, where);
  if (v === undefined || v === '') return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new MalformedBodyError(`${where}"${key}" is not a valid timestamp`);
  return new Date(t);
}
