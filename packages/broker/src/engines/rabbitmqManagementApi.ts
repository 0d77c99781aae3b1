/** An answer of the management API that the caller did not expect. */
export class RabbitmqApiError extends Error {
  override name = 'RabbitmqApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** `/a/b`, each segment URI-encoded: vhost and user names come from the broker, but still. */
export function apiPath(...segments: string[]): string {
  return segments.map((s) => `/${encodeURIComponent(s)}`).join('');
}

/**
 * The few calls of RabbitMQ's management HTTP API the broker makes, as its administrator. The URL
 * carries the credentials (`http://user:password@host:port`); they travel as a basic-auth header
 * and never appear in a message.
 */
export class RabbitmqManagementApi {
  private readonly base: string;
  private readonly authorization: string;

  constructor(
    url: string,
    private readonly timeoutMs: number,
  ) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`the RabbitMQ management URL must be http:// or https://, got ${parsed.protocol}`);
    }
    if (!parsed.username) {
      throw new Error('the RabbitMQ management URL needs the administrator: http://user:password@host:port');
    }
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
    this.base = parsed.toString().replace(/\/+$/, '');
  }

  /** The URL without credentials, for messages. */
  get address(): string {
    return this.base;
  }

  async get<T>(path: string): Promise<T> {
    return (await this.call('GET', path)) as T;
  }

  /** GET that answers undefined for 404. */
  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (err) {
      if (err instanceof RabbitmqApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  async put(path: string, body: unknown): Promise<void> {
    await this.call('PUT', path, body);
  }

  async post(path: string, body: unknown): Promise<void> {
    await this.call('POST', path, body);
  }

  /** DELETE that treats "not there" as done. */
  async delete(path: string): Promise<void> {
    try {
      await this.call('DELETE', path);
    } catch (err) {
      if (err instanceof RabbitmqApiError && err.status === 404) return;
      throw err;
    }
  }

  async deleteUser(name: string): Promise<void> {
    await this.delete(`/api/users${apiPath(name)}`);
  }

  /** True once the node answers with every listener up (the readiness probe of a managed node). */
  async ready(): Promise<boolean> {
    await this.get('/api/overview');
    return true;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: this.authorization,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw new Error(
        `RabbitMQ management API at ${this.base} is unreachable (${method} ${path}): ${cause}`,
        {
          cause: err,
        },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let reason = text;
      try {
        const parsed = JSON.parse(text) as { reason?: unknown; error?: unknown };
        const found = parsed.reason ?? parsed.error;
        if (typeof found === 'string') reason = found;
      } catch {
        // Not JSON: keep the text.
      }
      throw new RabbitmqApiError(
        `RabbitMQ answered ${response.status} to ${method} ${path}: ${reason.slice(0, 300)}`,
        response.status,
      );
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}
