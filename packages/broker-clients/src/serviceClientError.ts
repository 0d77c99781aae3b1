export interface ServiceClientErrorFields {
  /** What was called, e.g. "provision" or "createBackup". */
  operation: string;
  /** HTTP status of the answer; undefined when there was none (timeout, connection failure, bad input). */
  status?: number;
  /** The `error` code of the answer body (e.g. "AsyncRequired"). */
  error?: string;
  /** The `description` of the answer body. */
  description?: string;
  /** Whether trying again later may succeed. */
  retryable: boolean;
  /** What a user should see (a Kubernetes condition message): never a stack trace or a credential. */
  userMessage: string;
  /** For logs: the user message plus the technical context. */
  message: string;
  /** Whether the backend may have received the request (false for refused connections and rejected input). */
  requestSent: boolean;
  cause?: unknown;
}

/**
 * The common shape of every error the broker and backup-manager clients throw, so
 * callers can put `userMessage` into a condition and use `retryable` for back-off
 * without knowing which backend answered.
 */
export class ServiceClientError extends Error {
  readonly operation: string;
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly description: string | undefined;
  readonly retryable: boolean;
  readonly userMessage: string;
  readonly requestSent: boolean;

  constructor(fields: ServiceClientErrorFields) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'ServiceClientError';
    this.operation = fields.operation;
    this.status = fields.status;
    this.error = fields.error;
    this.description = fields.description;
    this.retryable = fields.retryable;
    this.userMessage = fields.userMessage;
    this.requestSent = fields.requestSent;
  }

  isNotFound(): boolean {
    return this.status === 404;
  }
}

/** Broker descriptions end up in conditions; a runaway one must not bloat the object. */
export const MAX_DESCRIPTION_LENGTH = 1024;

export function clipDescription(description: string | undefined): string | undefined {
  const d = description?.trim();
  if (!d) return undefined;
  return d.length > MAX_DESCRIPTION_LENGTH ? `${d.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…` : d;
}
