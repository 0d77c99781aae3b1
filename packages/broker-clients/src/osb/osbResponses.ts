import {
  isJsonObject,
  MalformedBodyError,
  optionalArray,
  optionalBoolean,
  optionalDate,
  optionalNumber,
  optionalObject,
  optionalString,
  requiredString,
  describeJsonType,
  type JsonObject,
} from '../http/jsonBody.js';
import type {
  A9sInstance,
  BindingDetails,
  BindingEndpoint,
  LastOperationResult,
  OsbCatalog,
  OsbInstance,
  OsbMaintenanceInfo,
  OsbPlan,
  OsbService,
  VolumeMount,
} from './osbTypes.js';

/*
 * Readers for the bodies of success answers. They check the types of the fields the
 * client uses and throw MalformedBodyError otherwise; unknown fields are allowed.
 */

function maintenanceInfo(obj: JsonObject, key: string, where: string): OsbMaintenanceInfo | undefined {
  const mi = optionalObject(obj, key, where);
  if (!mi) return undefined;
  const description = optionalString(mi, 'description', `${where}${key}.`);
  return {
    version: requiredString(mi, 'version', `${where}${key}.`),
    ...(description !== undefined ? { description } : {}),
  };
}

function stringArray(obj: JsonObject, key: string, where: string): string[] | undefined {
  const arr = optionalArray(obj, key, where);
  if (!arr) return undefined;
  for (const v of arr) {
    if (typeof v !== 'string')
      throw new MalformedBodyError(`${where}"${key}" has an entry that is not a string`);
  }
  return arr as string[];
}

function plan(raw: unknown, where: string): OsbPlan {
  if (!isJsonObject(raw)) throw new MalformedBodyError(`${where} is ${describeJsonType(raw)}, not an object`);
  const w = `${where}.`;
  const mi = maintenanceInfo(raw, 'maintenance_info', w);
  const p: OsbPlan = {
    ...(raw as Partial<OsbPlan>),
    id: requiredString(raw, 'id', w),
    name: requiredString(raw, 'name', w),
    description: optionalString(raw, 'description', w) ?? '',
  };
  // Validate the fields decisions are made on; everything else is passed through.
  optionalBoolean(raw, 'bindable', w);
  optionalBoolean(raw, 'plan_updateable', w);
  optionalBoolean(raw, 'binding_rotatable', w);
  optionalNumber(raw, 'maximum_polling_duration', w);
  if (mi) p.maintenance_info = mi;
  return p;
}

function service(raw: unknown, where: string): OsbService {
  if (!isJsonObject(raw)) throw new MalformedBodyError(`${where} is ${describeJsonType(raw)}, not an object`);
  const w = `${where}.`;
  const name = requiredString(raw, 'name', w);
  const plans = optionalArray(raw, 'plans', w) ?? [];
  optionalBoolean(raw, 'plan_updateable', w);
  optionalBoolean(raw, 'binding_rotatable', w);
  stringArray(raw, 'tags', w);
  return {
    ...(raw as Partial<OsbService>),
    id: requiredString(raw, 'id', w),
    name,
    description: optionalString(raw, 'description', w) ?? '',
    bindable: optionalBoolean(raw, 'bindable', w) ?? false,
    plans: plans.map((p, i) => plan(p, `service "${name}" plan ${i + 1}`)),
  };
}

export function parseCatalog(body: JsonObject): OsbCatalog {
  const services = optionalArray(body, 'services');
  if (!services) throw new MalformedBodyError('"services" is missing');
  return { services: services.map((s, i) => service(s, `service ${i + 1}`)) };
}

/** 200/201 of provision and 200/202 of update, and the 202 of provision. */
export function parseInstanceOperationAnswer(body: JsonObject): {
  operation?: string;
  dashboardUrl?: string;
  metadata?: Record<string, unknown>;
} {
  const operation = optionalString(body, 'operation');
  const dashboardUrl = optionalString(body, 'dashboard_url');
  const metadata = optionalObject(body, 'metadata');
  return {
    ...(operation !== undefined ? { operation } : {}),
    ...(dashboardUrl !== undefined ? { dashboardUrl } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  };
}

export function parseOperationAnswer(body: JsonObject): { operation?: string } {
  const operation = optionalString(body, 'operation');
  return operation !== undefined ? { operation } : {};
}

const LAST_OPERATION_STATES = new Set(['in progress', 'succeeded', 'failed']);

export function parseLastOperation(body: JsonObject): LastOperationResult {
  const state = requiredString(body, 'state');
  if (!LAST_OPERATION_STATES.has(state)) {
    throw new MalformedBodyError(
      `"state" is "${state.slice(0, 40)}", not one of in progress, succeeded, failed`,
    );
  }
  const description = optionalString(body, 'description');
  const instanceUsable = optionalBoolean(body, 'instance_usable');
  const updateRepeatable = optionalBoolean(body, 'update_repeatable');
  return {
    state: state as LastOperationResult['state'],
    ...(description !== undefined ? { description } : {}),
    ...(instanceUsable !== undefined ? { instanceUsable } : {}),
    ...(updateRepeatable !== undefined ? { updateRepeatable } : {}),
  };
}

export function parseInstance(body: JsonObject): OsbInstance {
  const serviceId = optionalString(body, 'service_id');
  const planId = optionalString(body, 'plan_id');
  const dashboardUrl = optionalString(body, 'dashboard_url');
  const parameters = optionalObject(body, 'parameters');
  const mi = maintenanceInfo(body, 'maintenance_info', '');
  const metadata = optionalObject(body, 'metadata');
  return {
    ...(serviceId !== undefined ? { serviceId } : {}),
    ...(planId !== undefined ? { planId } : {}),
    ...(dashboardUrl !== undefined ? { dashboardUrl } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    ...(mi !== undefined ? { maintenanceInfo: mi } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  };
}

/** a9s timestamps and ids come as strings or numbers depending on the broker version. */
function looseString(obj: JsonObject, key: string, where = ''): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new MalformedBodyError(`${where}"${key}" is ${describeJsonType(v)}, not a string`);
}

function defined<T extends object>(obj: T): T {
  for (const [k, v] of Object.entries(obj)) if (v === undefined) delete (obj as Record<string, unknown>)[k];
  return obj;
}

export function parseA9sInstance(body: JsonObject): A9sInstance {
  const context = optionalObject(body, 'context');
  const credentials = optionalArray(body, 'credentials');
  const result: A9sInstance = {
    id: looseString(body, 'id') ?? '',
    planGuid: looseString(body, 'plan_guid'),
    serviceGuid: looseString(body, 'service_guid'),
    dashboardUrl: optionalString(body, 'dashboard_url'),
    deploymentName: optionalString(body, 'deployment_name'),
    state: optionalString(body, 'state'),
    guidAtTenant: looseString(body, 'guid_at_tenant'),
    tenantId: looseString(body, 'tenant_id'),
    provisionedAt: looseString(body, 'provisioned_at'),
    deletedAt: looseString(body, 'deleted_at'),
    createdAt: looseString(body, 'created_at'),
    updatedAt: looseString(body, 'updated_at'),
    raw: body,
  };
  if (context) {
    result.context = defined({
      organizationGuid: looseString(context, 'organization_guid', 'context.'),
      spaceGuid: looseString(context, 'space_guid', 'context.'),
      parameters: optionalObject(context, 'parameters', 'context.'),
    });
  }
  if (credentials) {
    result.credentials = credentials.map((c, i) => {
      if (!isJsonObject(c)) throw new MalformedBodyError(`credentials entry ${i + 1} is not an object`);
      return defined({
        id: looseString(c, 'id'),
        instanceId: looseString(c, 'instance_id'),
        guidAtTenant: looseString(c, 'guid_at_tenant'),
      });
    });
  }
  return defined(result);
}

function endpoints(body: JsonObject): BindingEndpoint[] | undefined {
  const arr = optionalArray(body, 'endpoints');
  if (!arr) return undefined;
  return arr.map((e, i) => {
    const where = `endpoints[${i}].`;
    if (!isJsonObject(e)) throw new MalformedBodyError(`endpoints[${i}] is not an object`);
    const protocol = optionalString(e, 'protocol', where);
    if (protocol !== undefined && protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'all') {
      throw new MalformedBodyError(`${where}"protocol" must be tcp, udp or all`);
    }
    return {
      host: requiredString(e, 'host', where),
      ports: stringArray(e, 'ports', where) ?? [],
      ...(protocol !== undefined ? { protocol } : {}),
    };
  });
}

function volumeMounts(body: JsonObject): VolumeMount[] | undefined {
  const arr = optionalArray(body, 'volume_mounts');
  if (!arr) return undefined;
  return arr.map((v, i) => {
    const where = `volume_mounts[${i}].`;
    if (!isJsonObject(v)) throw new MalformedBodyError(`volume_mounts[${i}] is not an object`);
    const mode = requiredString(v, 'mode', where);
    if (mode !== 'r' && mode !== 'rw') throw new MalformedBodyError(`${where}"mode" must be r or rw`);
    const device = optionalObject(v, 'device', where);
    if (!device) throw new MalformedBodyError(`${where}"device" is missing`);
    const mountConfig = optionalObject(device, 'mount_config', `${where}device.`);
    return {
      driver: requiredString(v, 'driver', where),
      containerDir: requiredString(v, 'container_dir', where),
      mode,
      deviceType: 'shared',
      device: {
        volumeId: requiredString(device, 'volume_id', `${where}device.`),
        ...(mountConfig !== undefined ? { mountConfig } : {}),
      },
    };
  });
}

/** Bind answers (200/201) and GET binding answers share these fields. */
export function parseBindingDetails(body: JsonObject): BindingDetails {
  const metadata = optionalObject(body, 'metadata');
  // OSB 2.17 puts expires_at/renew_before into metadata; some brokers put them on the top level.
  const expiresAt =
    (metadata && optionalDate(metadata, 'expires_at', 'metadata.')) ?? optionalDate(body, 'expires_at');
  const renewBefore =
    (metadata && optionalDate(metadata, 'renew_before', 'metadata.')) ?? optionalDate(body, 'renew_before');
  const credentials = optionalObject(body, 'credentials');
  const syslogDrainUrl = optionalString(body, 'syslog_drain_url');
  const routeServiceUrl = optionalString(body, 'route_service_url');
  const eps = endpoints(body);
  const mounts = volumeMounts(body);
  return {
    ...(credentials !== undefined ? { credentials } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(renewBefore !== undefined ? { renewBefore } : {}),
    ...(eps !== undefined ? { endpoints: eps } : {}),
    ...(syslogDrainUrl !== undefined ? { syslogDrainUrl } : {}),
    ...(routeServiceUrl !== undefined ? { routeServiceUrl } : {}),
    ...(mounts !== undefined ? { volumeMounts: mounts } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  };
}
