import { ClientConfigurationError } from '../http/displayUrl.js';
import { HttpEndpoint, type HttpAnswer, type HttpCall } from '../http/httpEndpoint.js';
import {
  MalformedBodyError,
  parseJsonObject,
  tryParseJsonObject,
  type JsonObject,
} from '../http/jsonBody.js';
import type { TlsSettings } from '../http/tlsSettings.js';
import { TransportFailure } from '../http/transportFailure.js';
import { authorizationHeader } from '../osb/osbHeaders.js';
import {
  BackupManagerError,
  BackupManagerMalformedResponseError,
  backupManagerErrorFromAnswer,
  backupManagerErrorFromTransport,
  type BackupManagerCallContext,
} from './backupManagerErrors.js';
import {
  parseBackup,
  parseCreatedBackup,
  parseCreatedRestore,
  parseInstanceConfig,
  parseList,
  parseMessage,
  parseRestore,
} from './backupManagerResponses.js';
import type {
  Backup,
  BackupConfigUpdate,
  BackupManagerOperation,
  BackupManagerRequestOptions,
  CreatedBackup,
  CreatedRestore,
  InstanceBackupConfig,
  Restore,
} from './backupManagerTypes.js';

export interface BackupManagerClientOptions extends TlsSettings {
  url: string;
  auth: { username: string; password: string };
  /** Deadline per request. Default 60 s. */
  timeoutMs?: number;
}

interface Call {
  method: HttpCall['method'];
  path: string;
  body?: unknown;
}

const enc = encodeURIComponent;

/**
 * A client for the a9s backup-manager API (backups and restores of service
 * instances). Errors are BackupManagerError or one of its typed subclasses; the
 * reason of an aborted signal is rethrown as is. Call close() when done.
 */
export class BackupManagerClient {
  /** The base URL without credentials. */
  readonly url: string;
  private readonly endpoint: HttpEndpoint;
  private readonly authorization: string;

  constructor(opts: BackupManagerClientOptions) {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new ClientConfigurationError(
        'the backup manager timeout must be a positive number of milliseconds',
      );
    }
    if (!opts.auth.username.trim())
      throw new ClientConfigurationError('the backup manager user name is empty');
    if (opts.auth.username.includes(':')) {
      throw new ClientConfigurationError('the backup manager user name must not contain ":" (basic auth)');
    }
    this.endpoint = new HttpEndpoint({ ...opts, timeoutMs, what: 'backup manager' });
    this.url = this.endpoint.displayUrl;
    this.authorization = authorizationHeader(opts.auth);
  }

  private context(
    operation: BackupManagerOperation,
    ids: { instanceId?: string; backupId?: number; restoreId?: number } = {},
  ): BackupManagerCallContext {
    return { operation, managerUrl: this.url, ...ids };
  }

  private async exchange(
    ctx: BackupManagerCallContext,
    call: Call,
    opts: BackupManagerRequestOptions,
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.endpoint.call({
        method: call.method,
        path: call.path,
        headers,
        body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
        signal: opts.signal,
      });
    } catch (err) {
      if (err instanceof TransportFailure) throw backupManagerErrorFromTransport(ctx, err);
      throw err;
    }
  }

  /** Runs a body reader; its MalformedBodyError becomes the client's malformed-response error. */
  private guard<T>(ctx: BackupManagerCallContext, answer: HttpAnswer, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof MalformedBodyError) {
        throw new BackupManagerMalformedResponseError({ ...ctx, status: answer.status, reason: err.message });
      }
      throw err;
    }
  }

  private readArray<T>(ctx: BackupManagerCallContext, answer: HttpAnswer, read: (body: unknown) => T): T {
    let value: unknown;
    try {
      value = JSON.parse(answer.text);
    } catch {
      throw new BackupManagerMalformedResponseError({
        ...ctx,
        status: answer.status,
        reason: 'the body is not valid JSON',
      });
    }
    return this.guard(ctx, answer, () => read(value));
  }

  private readObject<T>(ctx: BackupManagerCallContext, answer: HttpAnswer, read: (body: JsonObject) => T): T {
    const parsed = parseJsonObject(answer.text);
    if (!parsed.ok) {
      throw new BackupManagerMalformedResponseError({ ...ctx, status: answer.status, reason: parsed.reason });
    }
    return this.guard(ctx, answer, () => read(parsed.value));
  }

  /** POST /instances/{id}/backups → the new backup's id. 404 → InstanceNotFoundError. */
  async createBackup(instanceId: string, opts: BackupManagerRequestOptions = {}): Promise<CreatedBackup> {
    const ctx = this.context('createBackup', { instanceId });
    const answer = await this.exchange(
      ctx,
      { method: 'POST', path: `${instancePath(ctx, instanceId)}/backups` },
      opts,
    );
    if (answer.status !== 200 && answer.status !== 201) throw backupManagerErrorFromAnswer(ctx, answer);
    return this.readObject(ctx, answer, parseCreatedBackup);
  }

  /** GET /instances/{id}/backups/{backupId}. 404 → BackupNotFoundError. */
  async getBackup(
    instanceId: string,
    backupId: number | string,
    opts: BackupManagerRequestOptions = {},
  ): Promise<Backup> {
    const id = numericId(this.context('getBackup', { instanceId }), backupId, 'backup');
    const ctx = this.context('getBackup', { instanceId, backupId: id });
    const answer = await this.exchange(
      ctx,
      { method: 'GET', path: `${instancePath(ctx, instanceId)}/backups/${id}` },
      opts,
    );
    if (answer.status !== 200) throw backupManagerErrorFromAnswer(ctx, answer);
    return this.readObject(ctx, answer, (b) => parseBackup(b));
  }

  /** GET /instances/{id}/backups. */
  async listBackups(instanceId: string, opts: BackupManagerRequestOptions = {}): Promise<Backup[]> {
    const ctx = this.context('listBackups', { instanceId });
    const answer = await this.exchange(
      ctx,
      { method: 'GET', path: `${instancePath(ctx, instanceId)}/backups` },
      opts,
    );
    if (answer.status !== 200) throw backupManagerErrorFromAnswer(ctx, answer);
    return this.readArray(ctx, answer, (v) => parseList(v, parseBackup));
  }

  /**
   * DELETE /instances/{id}/backups/{backupId}. 404 → BackupNotFoundError, 423 →
   * BackupLockedError, 400 → BackupFileDeletionFailedError.
   */
  async deleteBackup(
    instanceId: string,
    backupId: number | string,
    opts: BackupManagerRequestOptions = {},
  ): Promise<{ message?: string }> {
    const id = numericId(this.context('deleteBackup', { instanceId }), backupId, 'backup');
    const ctx = this.context('deleteBackup', { instanceId, backupId: id });
    const answer = await this.exchange(
      ctx,
      { method: 'DELETE', path: `${instancePath(ctx, instanceId)}/backups/${id}` },
      opts,
    );
    if (answer.status !== 200) throw backupManagerErrorFromAnswer(ctx, answer);
    return messageOf(answer);
  }

  /**
   * POST /instances/{id}/backups/{backupId}/restore; the backup manager answers 202.
   * 404 → BackupNotFoundError, 409 → RestoreInProgressError, 422 → BackupNonRestorableStateError.
   */
  async createRestore(
    instanceId: string,
    backupId: number | string,
    opts: BackupManagerRequestOptions = {},
  ): Promise<CreatedRestore> {
    const id = numericId(this.context('createRestore', { instanceId }), backupId, 'backup');
    const ctx = this.context('createRestore', { instanceId, backupId: id });
    const answer = await this.exchange(
      ctx,
      { method: 'POST', path: `${instancePath(ctx, instanceId)}/backups/${id}/restore` },
      opts,
    );
    if (answer.status !== 202) throw backupManagerErrorFromAnswer(ctx, answer);
    return this.readObject(ctx, answer, parseCreatedRestore);
  }

  /** GET /instances/{id}/restores/{restoreId}. */
  async getRestore(
    instanceId: string,
    restoreId: number | string,
    opts: BackupManagerRequestOptions = {},
  ): Promise<Restore> {
    const id = numericId(this.context('getRestore', { instanceId }), restoreId, 'restore');
    const ctx = this.context('getRestore', { instanceId, restoreId: id });
    const answer = await this.exchange(
      ctx,
      { method: 'GET', path: `${instancePath(ctx, instanceId)}/restores/${id}` },
      opts,
    );
    if (answer.status !== 200) throw backupManagerErrorFromAnswer(ctx, answer);
    return this.readObject(ctx, answer, (b) => parseRestore(b));
  }

  /** GET /instances/{id}/restores. */
  async listRestores(instanceId: string, opts: BackupManagerRequestOptions = {}): Promise<Restore[]> {
    const ctx = this.context('listRestores', { instanceId });
    const answer = await this.exchange(
      ctx,
      { method: 'GET', path: `${instancePath(ctx, instanceId)}/restores` },
      opts,
    );
    if (answer.status !== 200) throw backupManagerErrorFromAnswer(ctx, answer);
    return this.readArray(ctx, answer, (v) => parseList(v, parseRestore));
  }

  /** GET /instances/{id}/config. 404 → InstanceNotFoundError. */
  async getInstanceConfig(
    instanceId: string,
    opts: BackupManagerRequestOptions = {},
  ): Promise<InstanceBackupConfig> {
    const ctx = this.context('getInstanceConfig', { instanceId });
    const answer = await this.exchange(
      ctx,
      { method: 'GET', path: `${instancePath(ctx, instanceId)}/config` },
      opts,
    );
    if (answer.status !== 200) throw backupManagerErrorFromAnswer(ctx, answer);
    return this.readObject(ctx, answer, parseInstanceConfig);
  }

  /**
   * PUT /instances/{id} with the fields given (at least one). 404 → InstanceNotFoundError.
   * The encryption key is sent but never appears in errors.
   */
  async updateBackupConfig(
    instanceId: string,
    update: BackupConfigUpdate,
    opts: BackupManagerRequestOptions = {},
  ): Promise<{ message?: string }> {
    const ctx = this.context('updateBackupConfig', { instanceId });
    const body: Record<string, unknown> = {};
    if (update.encryptionKey !== undefined) body.encryption_key = update.encryptionKey;
    if (update.excludeFromAutoBackup !== undefined)
      body.exclude_from_auto_backup = update.excludeFromAutoBackup;
    if (update.credentialsUpdatedByUser !== undefined)
      body.credentials_updated_by_user = update.credentialsUpdatedByUser;
    if (Object.keys(body).length === 0) {
      throw usageError(
        ctx,
        'the backup configuration update is empty: set at least one of encryptionKey, excludeFromAutoBackup, credentialsUpdatedByUser',
      );
    }
    const answer = await this.exchange(
      ctx,
      { method: 'PUT', path: instancePath(ctx, instanceId), body },
      opts,
    );
    if (answer.status !== 200 && answer.status !== 201) throw backupManagerErrorFromAnswer(ctx, answer);
    return messageOf(answer);
  }

  /** GET <url><endpoint> (default /instances); resolves on any 2xx, else throws. */
  async checkAvailability(endpoint = '/instances', opts: BackupManagerRequestOptions = {}): Promise<void> {
    const ctx = this.context('checkAvailability');
    const path = endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
    const answer = await this.exchange(ctx, { method: 'GET', path }, opts);
    if (answer.status < 200 || answer.status >= 300) throw backupManagerErrorFromAnswer(ctx, answer);
  }

  async close(): Promise<void> {
    await this.endpoint.close();
  }
}

function usageError(ctx: BackupManagerCallContext, userMessage: string): BackupManagerError {
  return new BackupManagerError({ ...ctx, retryable: false, requestSent: false, userMessage });
}

function instancePath(ctx: BackupManagerCallContext, instanceId: string): string {
  if (typeof instanceId !== 'string' || instanceId.trim() === '')
    throw usageError(ctx, 'the instance id is empty');
  return `/instances/${enc(instanceId)}`;
}

/** Backup and restore ids are integers; anything else is refused before a request is sent. */
function numericId(ctx: BackupManagerCallContext, id: number | string, what: string): number {
  const n = typeof id === 'number' ? id : /^\d+$/.test(id.trim()) ? Number(id.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw usageError(
      ctx,
      `the ${what} id "${String(id).slice(0, 40)}" is not a number; ${what} ids are integers`,
    );
  }
  return n;
}

/** Delete and update answers carry at most a message; an unreadable body is not worth failing for. */
function messageOf(answer: HttpAnswer): { message?: string } {
  const body = tryParseJsonObject(answer.text);
  if (!body) return {};
  try {
    return parseMessage(body);
  } catch {
    return {};
  }
}
