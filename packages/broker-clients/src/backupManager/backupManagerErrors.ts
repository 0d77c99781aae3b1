import type { HttpAnswer } from '../http/httpEndpoint.js';
import { optionalString, tryParseJsonObject } from '../http/jsonBody.js';
import type { TransportFailure } from '../http/transportFailure.js';
import { clipDescription, ServiceClientError } from '../serviceClientError.js';
import type { BackupManagerOperation } from './backupManagerTypes.js';

export interface BackupManagerErrorFields {
  operation: BackupManagerOperation;
  managerUrl: string;
  status?: number;
  error?: string;
  description?: string;
  retryable: boolean;
  userMessage: string;
  requestSent: boolean;
  cause?: unknown;
}

/** A failed backup-manager call. `userMessage` follows the same rules as OsbError's. */
export class BackupManagerError extends ServiceClientError {
  declare readonly operation: BackupManagerOperation;
  /** The backup manager's base URL, without credentials. */
  readonly managerUrl: string;

  constructor(fields: BackupManagerErrorFields) {
    const tags = [fields.status !== undefined ? `status ${fields.status}` : undefined, fields.error].filter(
      (t) => t !== undefined,
    );
    super({
      ...fields,
      message: `backup manager ${fields.operation} failed: ${fields.userMessage}${tags.length > 0 ? ` [${tags.join(', ')}]` : ''}`,
    });
    this.name = 'BackupManagerError';
    this.managerUrl = fields.managerUrl;
  }

  isTimeout(): boolean {
    return false;
  }
  isMalformedResponse(): boolean {
    return false;
  }
}

type SpecificFields = Omit<BackupManagerErrorFields, 'retryable' | 'requestSent'> & { retryable?: boolean };

function specific(fields: SpecificFields): BackupManagerErrorFields {
  return { retryable: false, requestSent: true, ...fields };
}

/** 404 for an instance the backup manager does not know. */
export class InstanceNotFoundError extends BackupManagerError {
  constructor(fields: SpecificFields) {
    super(specific(fields));
    this.name = 'InstanceNotFoundError';
  }
}

/** 404 for a backup that does not exist. */
export class BackupNotFoundError extends BackupManagerError {
  constructor(fields: SpecificFields) {
    super(specific(fields));
    this.name = 'BackupNotFoundError';
  }
}

/** 423: the backup is locked (e.g. a restore from it is running); try again later. */
export class BackupLockedError extends BackupManagerError {
  constructor(fields: SpecificFields) {
    super(specific({ retryable: true, ...fields }));
    this.name = 'BackupLockedError';
  }
}

/** 400 on delete: the backup files could not be removed from the storage. */
export class BackupFileDeletionFailedError extends BackupManagerError {
  constructor(fields: SpecificFields) {
    super(specific(fields));
    this.name = 'BackupFileDeletionFailedError';
  }
}

/** 409 on restore: another restore of the instance is in progress; try again later. */
export class RestoreInProgressError extends BackupManagerError {
  constructor(fields: SpecificFields) {
    super(specific({ retryable: true, ...fields }));
    this.name = 'RestoreInProgressError';
  }
}

/** 422 on restore: the backup is not in a state it can be restored from (e.g. failed or deleted). */
export class BackupNonRestorableStateError extends BackupManagerError {
  constructor(fields: SpecificFields) {
    super(specific(fields));
    this.name = 'BackupNonRestorableStateError';
  }
}

export class BackupManagerTimeoutError extends BackupManagerError {
  constructor(
    fields: Omit<BackupManagerErrorFields, 'userMessage' | 'retryable' | 'requestSent'> & { detail: string },
  ) {
    super({
      ...fields,
      retryable: true,
      requestSent: true,
      userMessage: `the backup manager at ${fields.managerUrl} did not answer in time: ${fields.detail}`,
    });
    this.name = 'BackupManagerTimeoutError';
  }
  override isTimeout(): boolean {
    return true;
  }
}

export class BackupManagerMalformedResponseError extends BackupManagerError {
  declare readonly status: number;
  readonly reason: string;
  constructor(
    fields: Omit<BackupManagerErrorFields, 'userMessage' | 'retryable' | 'requestSent'> & {
      status: number;
      reason: string;
    },
  ) {
    super({
      ...fields,
      retryable: true,
      requestSent: true,
      userMessage: `the backup manager at ${fields.managerUrl} answered ${fields.status} with a malformed body: ${fields.reason}`,
    });
    this.name = 'BackupManagerMalformedResponseError';
    this.reason = fields.reason;
  }
  override isMalformedResponse(): boolean {
    return true;
  }
}

export interface BackupManagerCallContext {
  operation: BackupManagerOperation;
  managerUrl: string;
  instanceId?: string;
  backupId?: number;
  restoreId?: number;
}

export function backupManagerErrorFromTransport(
  ctx: BackupManagerCallContext,
  failure: TransportFailure,
): BackupManagerError {
  if (failure.kind === 'timeout') {
    return new BackupManagerTimeoutError({ ...ctx, detail: failure.detail, cause: failure });
  }
  return new BackupManagerError({
    ...ctx,
    retryable: true,
    requestSent: failure.requestSent,
    userMessage: `the backup manager at ${ctx.managerUrl} is unreachable: ${failure.detail}`,
    cause: failure,
  });
}

function quoted(id: string | undefined): string {
  return id !== undefined ? `"${id}"` : '';
}

/**
 * Maps an error answer to the typed errors of the backup-manager API. Which status
 * means what depends on the call (404 is "instance" for some, "backup" for others).
 */
export function backupManagerErrorFromAnswer(
  ctx: BackupManagerCallContext,
  answer: HttpAnswer,
): BackupManagerError {
  const body = tryParseJsonObject(answer.text);
  let error: string | undefined;
  let description: string | undefined;
  if (body) {
    try {
      error = optionalString(body, 'error')?.trim() || undefined;
    } catch {
      error = undefined;
    }
    try {
      description = clipDescription(optionalString(body, 'description') ?? optionalString(body, 'message'));
    } catch {
      description = undefined;
    }
  }
  const { status } = answer;
  const base = { operation: ctx.operation, managerUrl: ctx.managerUrl, status, error, description };
  const say = (fallback: string) => ({ ...base, userMessage: description ?? fallback });
  const instance = quoted(ctx.instanceId);
  const backup = ctx.backupId !== undefined ? `backup ${ctx.backupId}` : 'the backup';
  const op = ctx.operation;

  if (status === 404) {
    if (op === 'deleteBackup' || op === 'createRestore' || op === 'getBackup') {
      return new BackupNotFoundError(say(`${backup} of instance ${instance} does not exist`));
    }
    if (op !== 'getRestore' && op !== 'checkAvailability') {
      return new InstanceNotFoundError(say(`the backup manager does not know the instance ${instance}`));
    }
  }
  if (op === 'deleteBackup' && status === 423) {
    return new BackupLockedError(say(`${backup} is locked and cannot be deleted now; try again later`));
  }
  if (op === 'deleteBackup' && status === 400) {
    return new BackupFileDeletionFailedError(
      say(`the backup manager could not delete the files of ${backup}`),
    );
  }
  if (op === 'createRestore' && status === 409) {
    return new RestoreInProgressError(say(`a restore of instance ${instance} is already in progress`));
  }
  if (op === 'createRestore' && status === 422) {
    return new BackupNonRestorableStateError(say(`${backup} cannot be restored in its current state`));
  }
  let fallback: string;
  if (status < 400)
    fallback = `the backup manager at ${ctx.managerUrl} answered ${status}, which is not a valid answer to ${op}`;
  else if (status === 401) {
    fallback = `the backup manager at ${ctx.managerUrl} rejected the credentials (401 Unauthorized); check the user name and password configured for it`;
  } else if (status === 403)
    fallback = `the backup manager at ${ctx.managerUrl} refused access (403 Forbidden)`;
  else
    fallback = `the backup manager at ${ctx.managerUrl} answered ${status}${error ? ` (${error})` : ''} without a description`;
  return new BackupManagerError({
    ...say(fallback),
    retryable: status < 400 || status >= 500 || status === 408 || status === 429,
    requestSent: true,
  });
}
