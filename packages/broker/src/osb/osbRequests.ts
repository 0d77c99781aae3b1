import { badRequest } from '../http/httpErrors.js';

export interface ProvisionRequest {
  serviceId: string;
  planId: string;
  parameters: Record<string, unknown>;
  context: Record<string, unknown>;
  organizationGuid: string | null;
  spaceGuid: string | null;
}

export interface UpdateRequest {
  serviceId: string;
  planId: string | undefined;
  /** The parameters to change: a null value removes the key. */
  parameters: Record<string, unknown>;
  context: Record<string, unknown> | undefined;
}

export interface BindRequest {
  serviceId: string;
  planId: string;
  parameters: Record<string, unknown>;
  context: Record<string, unknown>;
  bindResource: Record<string, unknown> | null;
  predecessorBindingId: string | null;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function requireBody(body: unknown, what: string): Json {
  if (!isObject(body)) throw badRequest(`The ${what} request needs a JSON object body.`);
  return body;
}

function requiredString(body: Json, key: string, what: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') {
    throw badRequest(`The ${what} request needs "${key}" as a non-empty string.`);
  }
  return value;
}

function optionalString(body: Json, key: string, what: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw badRequest(`"${key}" of the ${what} request must be a non-empty string.`);
  }
  return value;
}

function optionalObject(body: Json, key: string, what: string): Json | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw badRequest(`"${key}" of the ${what} request must be a JSON object.`);
  return value;
}

export function parseProvisionRequest(body: unknown): ProvisionRequest {
  const b = requireBody(body, 'provision');
  return {
    serviceId: requiredString(b, 'service_id', 'provision'),
    planId: requiredString(b, 'plan_id', 'provision'),
    parameters: optionalObject(b, 'parameters', 'provision') ?? {},
    context: optionalObject(b, 'context', 'provision') ?? {},
    // Required by the OSB spec for Cloud Foundry but not sent by Kubernetes platforms.
    organizationGuid: optionalString(b, 'organization_guid', 'provision') ?? null,
    spaceGuid: optionalString(b, 'space_guid', 'provision') ?? null,
  };
}

export function parseUpdateRequest(body: unknown): UpdateRequest {
  const b = requireBody(body, 'update');
  return {
    serviceId: requiredString(b, 'service_id', 'update'),
    planId: optionalString(b, 'plan_id', 'update'),
    parameters: optionalObject(b, 'parameters', 'update') ?? {},
    context: optionalObject(b, 'context', 'update'),
  };
}

export function parseBindRequest(body: unknown): BindRequest {
  const b = requireBody(body, 'bind');
  return {
    serviceId: requiredString(b, 'service_id', 'bind'),
    planId: requiredString(b, 'plan_id', 'bind'),
    parameters: optionalObject(b, 'parameters', 'bind') ?? {},
    context: optionalObject(b, 'context', 'bind') ?? {},
    bindResource: optionalObject(b, 'bind_resource', 'bind') ?? null,
    predecessorBindingId: optionalString(b, 'predecessor_binding_id', 'bind') ?? null,
  };
}

/** Only the literal `true` counts, as in the OSB spec. */
export function acceptsIncomplete(query: URLSearchParams): boolean {
  return query.get('accepts_incomplete') === 'true';
}

export function requiredQuery(query: URLSearchParams, name: string, what: string): string {
  const value = query.get(name);
  if (value === null || value === '') {
    throw badRequest(`The ${what} request needs the query parameter ${name}.`);
  }
  return value;
}

/**
 * `X-Broker-API-Originating-Identity: <platform> <base64 JSON>`; kept with the operation for audit.
 * A malformed header is recorded as such rather than rejected: it is informational.
 */
export function parseOriginatingIdentity(header: string | string[] | undefined): unknown {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const [platform, encoded] = value.trim().split(/\s+/, 2);
  if (!platform || !encoded) return { platform: platform ?? '', malformed: true };
  try {
    return { platform, value: JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as unknown };
  } catch {
    return { platform, malformed: true };
  }
}
