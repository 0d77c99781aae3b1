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
