import type { HttpAnswer } from '../http/httpEndpoint.js';
import { formatDuration } from '../http/httpEndpoint.js';
import { optionalBoolean, optionalString, tryParseJsonObject } from '../http/jsonBody.js';
import type { TransportFailure } from '../http/transportFailure.js';
import { clipDescription, ServiceClientError } from '../serviceClientError.js';
import type { OrphanMitigationReport } from './orphanMitigation.js';
import type { LastOperationResult, OsbOperation } from './osbTypes.js';

export interface OsbErrorFields {
  operation: OsbOperation;
  brokerUrl: string;
  status?: number;
  error?: string;
  description?: string;
  retryable: boolean;
  userMessage: string;
  requestSent: boolean;
  requestIdentity?: string;
  instanceUsable?: boolean;
  updateRepeatable?: boolean;
  cause?: unknown;
}

/**
 * A failed broker call: an error answer, no answer, or an answer the client cannot use.
 * `userMessage` is the broker's description when it gave one (that is what users
 * see in conditions), else a sentence naming the broker and what went wrong.
 */
export class OsbError extends ServiceClientError {
  declare readonly operation: OsbOperation;
  /** The broker's base URL, without credentials. */
  readonly brokerUrl: string;
  readonly requestIdentity: string | undefined;
  /** OSB error bodies of failed updates may say whether the instance is still usable. */
  readonly instanceUsable: boolean | undefined;
  readonly updateRepeatable: boolean | undefined;
  /** Set by provisionWithOrphanMitigation/bindWithOrphanMitigation when a cleanup DELETE succeeded. */
  orphanMitigated = false;
  /** Set when orphan mitigation was attempted; when it failed, `retry` says what the caller must repeat later. */
  orphanMitigation: OrphanMitigationReport | undefined;

  constructor(fields: OsbErrorFields) {
    const tags = [
      fields.status !== undefined ? `status ${fields.status}` : undefined,
      fields.error,
      fields.requestIdentity !== undefined ? `request ${fields.requestIdentity}` : undefined,
    ].filter((t) => t !== undefined);
    super({
      ...fields,
      message: `OSB ${fields.operation} failed: ${fields.userMessage}${tags.length > 0 ? ` [${tags.join(', ')}]` : ''}`,
    });
    this.name = 'OsbError';
    this.brokerUrl = fields.brokerUrl;
    this.requestIdentity = fields.requestIdentity;
    this.instanceUsable = fields.instanceUsable;
    this.updateRepeatable = fields.updateRepeatable;
  }

  /** 422 AsyncRequired: the broker only works asynchronously; retry with accepts_incomplete=true. */
  isAsyncRequired(): boolean {
    return this.status === 422 && this.error === 'AsyncRequired';
  }
  /** 422 ConcurrencyError: another operation on the same resource is in progress; retry later. */
  isConcurrencyError(): boolean {
    return this.status === 422 && this.error === 'ConcurrencyError';
  }
  /** 422 RequiresApp: the binding needs an app_guid. */
  isRequiresApp(): boolean {
    return this.status === 422 && this.error === 'RequiresApp';
  }
  /** 422 MaintenanceInfoConflict: the maintenance_info.version sent does not match the catalog. */
  isMaintenanceInfoConflict(): boolean {
    return this.status === 422 && this.error === 'MaintenanceInfoConflict';
  }
  isGone(): boolean {
    return this.status === 410;
  }
  isConflict(): boolean {
    return this.status === 409;
  }
  /** 412: typically a missing or unsupported X-Broker-API-Version. */
  isPreconditionFailed(): boolean {
    return this.status === 412;
  }
  isUnprocessable(): boolean {
    return this.status === 422;
  }
  isBadRequest(): boolean {
    return this.status === 400;
  }
  /** 404 with error "InstanceNotFound" (a9s brokers); a bare 404 is not enough. */
  isInstanceNotFound(): boolean {
    return this.status === 404 && this.error === 'InstanceNotFound';
  }
  isTimeout(): boolean {
    return false;
  }
  /** No HTTP answer because the connection failed: refused, reset, DNS or TLS failure (timeouts: isTimeout). */
  isUnreachable(): boolean {
    return false;
  }
  /** Whether the body of a success answer could not be used. */
  isMalformedResponse(): boolean {
    return false;
  }
}

/** A success status with a body that is not the JSON the specification prescribes. */
export class OsbMalformedResponseError extends OsbError {
  declare readonly status: number;
  /** Why the body was rejected (never quotes the body, which may hold credentials). */
  readonly reason: string;

  constructor(
    fields: Omit<OsbErrorFields, 'status' | 'userMessage' | 'retryable' | 'requestSent'> & {
      status: number;
      reason: string;
    },
  ) {
    super({
      ...fields,
      retryable: true,
      requestSent: true,
      userMessage: `the service broker at ${fields.brokerUrl} answered ${fields.status} with a malformed body: ${fields.reason}`,
    });
    this.name = 'OsbMalformedResponseError';
    this.reason = fields.reason;
  }

  override isMalformedResponse(): boolean {
    return true;
  }
}

/** The broker did not answer within the client's timeout. */
export class OsbTimeoutError extends OsbError {
  constructor(
    fields: Omit<OsbErrorFields, 'userMessage' | 'retryable' | 'requestSent'> & { detail: string },
  ) {
    super({
      ...fields,
      retryable: true,
      requestSent: true,
      userMessage: `the service broker at ${fields.brokerUrl} did not answer in time: ${fields.detail}`,
    });
    this.name = 'OsbTimeoutError';
  }

  override isTimeout(): boolean {
    return true;
  }
}

/** The broker could not be reached or dropped the connection. */
export class OsbUnreachableError extends OsbError {
  constructor(fields: Omit<OsbErrorFields, 'userMessage' | 'retryable'> & { detail: string }) {
    super({
      ...fields,
      retryable: true,
      userMessage: `the service broker at ${fields.brokerUrl} is unreachable: ${fields.detail}`,
    });
    this.name = 'OsbUnreachableError';
  }

  override isUnreachable(): boolean {
    return true;
  }
}

/** An asynchronous operation was still in progress when maximum_polling_duration ran out. */
export class OsbPollingTimeoutError extends OsbError {
  readonly maximumPollingDurationMs: number;
  readonly lastOperation: LastOperationResult | undefined;

  constructor(fields: {
    brokerUrl: string | undefined;
    maximumPollingDurationMs: number;
    lastOperation: LastOperationResult | undefined;
  }) {
    const last = fields.lastOperation;
    const lastSeen = last
      ? `; its last state was "${last.state}"${last.description ? ` (${clipDescription(last.description)})` : ''}`
      : '';
    const broker =
      fields.brokerUrl !== undefined ? `the service broker at ${fields.brokerUrl}` : 'the service broker';
    super({
      operation: 'pollLastOperation',
      brokerUrl: fields.brokerUrl ?? '',
      retryable: false,
      requestSent: true,
      userMessage: `${broker} did not finish the operation within the plan's maximum_polling_duration of ${formatDuration(fields.maximumPollingDurationMs)}${lastSeen}`,
    });
    this.name = 'OsbPollingTimeoutError';
    this.maximumPollingDurationMs = fields.maximumPollingDurationMs;
    this.lastOperation = last;
  }
}

export type CatalogLookupReason = 'service-not-found' | 'plan-not-found' | 'service-ambiguous';

/** A service or plan name that the broker's catalog does not offer. The message is for users. */
export class CatalogLookupError extends OsbError {
  readonly reason: CatalogLookupReason;
  /** The names the user could have meant. */
  readonly available: string[];

  constructor(fields: {
    brokerUrl: string;
    reason: CatalogLookupReason;
    userMessage: string;
    available: string[];
  }) {
    super({
      operation: 'findServiceAndPlan',
      brokerUrl: fields.brokerUrl,
      retryable: false,
      requestSent: false,
      userMessage: fields.userMessage,
    });
    // Users see exactly this sentence, so the log message carries no prefix either.
    this.message = fields.userMessage;
    this.name = 'CatalogLookupError';
    this.reason = fields.reason;
    this.available = fields.available;
  }
}

export function isOsbError(err: unknown): err is OsbError {
  return err instanceof OsbError;
}

export interface OsbCallContext {
  operation: OsbOperation;
  brokerUrl: string;
  requestIdentity?: string;
}

function isRetryableStatus(status: number, error: string | undefined): boolean {
  return (
    status >= 500 || status === 408 || status === 429 || (status === 422 && error === 'ConcurrencyError')
  );
}

function fallbackMessage(brokerUrl: string, status: number, error: string | undefined): string {
  switch (status) {
    case 401:
      return `the service broker at ${brokerUrl} rejected the credentials (401 Unauthorized); check the user name and password or token configured for it`;
    case 403:
      return `the service broker at ${brokerUrl} refused access (403 Forbidden)`;
    case 412:
      return `the service broker at ${brokerUrl} rejected the request (412 Precondition Failed); it may not support OSB API version 2.17`;
    default:
      return `the service broker at ${brokerUrl} answered ${status}${error ? ` (${error})` : ''} without a description`;
  }
}

/** An error answer (status >= 400, or anything the call does not accept). */
export function osbErrorFromAnswer(ctx: OsbCallContext, answer: HttpAnswer): OsbError {
  const body = tryParseJsonObject(answer.text);
  let error: string | undefined;
  let description: string | undefined;
  let instanceUsable: boolean | undefined;
  let updateRepeatable: boolean | undefined;
  if (body) {
    // Error bodies are best effort: a wrongly typed field is ignored, not a second error.
    try {
      error = optionalString(body, 'error')?.trim() || undefined;
    } catch {
      error = undefined;
    }
    try {
      description = clipDescription(optionalString(body, 'description'));
    } catch {
      description = undefined;
    }
    try {
      instanceUsable = optionalBoolean(body, 'instance_usable');
      updateRepeatable = optionalBoolean(body, 'update_repeatable');
    } catch {
      instanceUsable = undefined;
      updateRepeatable = undefined;
    }
  }
  const status = answer.status;
  let userMessage: string;
  if (status < 400) {
    userMessage = `the service broker at ${ctx.brokerUrl} answered ${status}, which is not a valid answer to ${ctx.operation}`;
  } else {
    userMessage = description ?? fallbackMessage(ctx.brokerUrl, status, error);
  }
  return new OsbError({
    ...ctx,
    status,
    error,
    description,
    instanceUsable,
    updateRepeatable,
    // A 2xx/3xx the client cannot interpret is the broker's fault, like a 5xx.
    retryable: status < 400 || isRetryableStatus(status, error),
    requestSent: true,
    userMessage,
  });
}

export function osbErrorFromTransport(ctx: OsbCallContext, failure: TransportFailure): OsbError {
  if (failure.kind === 'timeout')
    return new OsbTimeoutError({ ...ctx, detail: failure.detail, cause: failure });
  return new OsbUnreachableError({
    ...ctx,
    detail: failure.detail,
    requestSent: failure.requestSent,
    cause: failure,
  });
}
