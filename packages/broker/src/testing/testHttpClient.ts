export interface TestResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the response is not JSON. */
  body: unknown;
}

/** A tiny HTTP client for tests of the broker's two APIs. */
export class TestHttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly auth: { username: string; password: string } | undefined,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  withAuth(auth: { username: string; password: string } | undefined): TestHttpClient {
    return new TestHttpClient(this.baseUrl, auth, this.defaultHeaders);
  }

  withHeaders(headers: Record<string, string>): TestHttpClient {
    return new TestHttpClient(this.baseUrl, this.auth, headers);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<TestResponse> {
    const all: Record<string, string> = { ...this.defaultHeaders, ...headers };
    if (this.auth) {
      all.authorization = `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
    }
    if (body !== undefined) all['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('application/json') && text !== '') {
      parsed = JSON.parse(text) as unknown;
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  put(path: string, body?: unknown) {
    return this.request('PUT', path, body);
  }

  patch(path: string, body?: unknown) {
    return this.request('PATCH', path, body);
  }

  post(path: string, body?: unknown) {
    return this.request('POST', path, body);
  }

  delete(path: string) {
    return this.request('DELETE', path);
  }
}

/** Polls until `done` says so; fails with the last value after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}
