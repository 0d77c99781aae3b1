/** The `Status` object the API server returns with errors. */
export interface ApiStatus {
  kind?: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
  };
}

/** An HTTP error answer from a Kubernetes API server, with the server's own message. */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly body: ApiStatus | undefined;
  readonly method: string;
  readonly path: string;

  constructor(method: string, path: string, status: number, body: ApiStatus | undefined, rawText?: string) {
    const msg = body?.message ?? (rawText ? rawText.slice(0, 500) : `HTTP ${status}`);
    super(`${method} ${path}: ${status} ${body?.reason ?? ''} ${msg}`.replace(/\s+/g, ' ').trim());
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = body?.reason ?? '';
    this.body = body;
    this.method = method;
    this.path = path;
  }
}

const statusOf = (err: unknown): number | undefined => (err instanceof KubeApiError ? err.status : undefined);

export const isNotFound = (err: unknown): boolean => statusOf(err) === 404;
export const isAlreadyExists = (err: unknown): boolean =>
  statusOf(err) === 409 && (err as KubeApiError).reason === 'AlreadyExists';
/** 409 Conflict: a stale resourceVersion, or a server-side-apply field conflict. */
export const isConflict = (err: unknown): boolean =>
  statusOf(err) === 409 && (err as KubeApiError).reason !== 'AlreadyExists';
/** 410 Gone: the requested resourceVersion is too old; relist. */
export const isGone = (err: unknown): boolean => statusOf(err) === 410;
export const isForbidden = (err: unknown): boolean => statusOf(err) === 403;
export const isInvalid = (err: unknown): boolean => statusOf(err) === 422;
