/** The body of every error response: an optional machine-readable code and an actionable sentence. */
export interface ErrorBody {
  error?: string;
  description: string;
  instance_usable?: boolean;
  update_repeatable?: boolean;
}

/** Thrown by handlers to answer with an error status; anything else thrown becomes a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.description);
    this.name = 'HttpError';
  }
}

export function badRequest(description: string, error = 'BadRequest'): HttpError {
  return new HttpError(400, { error, description });
}

/**
 * The broker has as much work queued as it accepts: the platform should send the request again
 * after `retryAfterSeconds` (OSB and a9s clients treat 429 as retryable and nothing was created).
 */
export function tooManyRequests(description: string, retryAfterSeconds: number): HttpError {
  return new HttpError(
    429,
    { error: 'TooManyRequests', description },
    { 'retry-after': String(retryAfterSeconds) },
  );
}
