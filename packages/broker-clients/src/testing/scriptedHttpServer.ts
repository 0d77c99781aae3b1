import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  body: unknown;
  receivedAt: Date;
}

/** What to do with a request. Every field is optional: `{}` answers 200 with an empty body. */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (e.g. malformed JSON); wins over `body`. */
  rawBody?: string;
  /** Wait this long before answering (or before destroying the connection). */
  delayMs?: number;
  /** Destroy the connection after the request was read, without answering. */
  destroyConnection?: boolean;
  /** Never answer; the connection stays open until the client gives up or the server goes down. */
  hang?: boolean;
  /** Answer as the server's default behaviour would (after delayMs). */
  passThrough?: boolean;
}

export type ScriptStep =
  ScriptedResponse | ((req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>);

/**
 * A path to match: a RegExp, or a string where `*` (or `:name`) stands for one path
 * segment and a trailing `**` for the rest, e.g. `/v2/service_instances/*`.
 */
export type PathPattern = string | RegExp;

export interface ScriptOptions {
  /** How many requests this step answers; default 1, Infinity until resetScripts(). */
  times?: number;
}

export type DefaultHandler = (req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>;

export interface ScriptedHttpServerOptions {
  /** Serve HTTPS with this certificate. */
  tls?: { certPem: string; keyPem: string };
  /** Answers requests no script matches (and passThrough steps). Default: 404. */
  defaultHandler?: DefaultHandler;
}

interface Script {
  method: string;
  path: RegExp;
  step: ScriptStep;
  remaining: number;
}

export function pathPatternToRegExp(pattern: PathPattern): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const parts = pattern.split('/').map((segment) => {
    if (segment === '**') return '.*';
    if (segment === '*' || segment.startsWith(':')) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('/')}$`);
}

const notFound: DefaultHandler = () => ({
  status: 404,
  body: { description: 'no such route on the scripted server' },
});

/**
 * An HTTP(S) server on 127.0.0.1 (random port) whose answers tests script per method
 * and path: statuses, headers, raw bodies, delays, dropped connections, requests that
 * never finish, and an outage switch (down/up on the same port). It records every
 * request. Requests no script matches go to the default handler.
 */
export class ScriptedHttpServer {
  private readonly server: Server;
  private readonly scripts: Script[] = [];
  private readonly recorded: RecordedRequest[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly defaultHandler: DefaultHandler;
  private readonly protocol: 'http' | 'https';
  private listeningPort = 0;
  private listening = false;
  /** Errors thrown by scripts or the default handler (answered with 500); tests can assert it stays empty. */
  readonly handlerErrors: Error[] = [];

  private constructor(opts: ScriptedHttpServerOptions) {
    this.defaultHandler = opts.defaultHandler ?? notFound;
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    if (opts.tls) {
      this.protocol = 'https';
      this.server = createHttpsServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, handler);
    } else {
      this.protocol = 'http';
      this.server = createHttpServer(handler);
    }
    // Failed TLS handshakes are expected in tests that check certificate validation.
    this.server.on('tlsClientError', () => undefined);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(opts: ScriptedHttpServerOptions = {}): Promise<ScriptedHttpServer> {
    const s = new ScriptedHttpServer(opts);
    await s.listen(0);
    return s;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** Base URL, e.g. http://127.0.0.1:40123. */
  get url(): string {
    return `${this.protocol}://127.0.0.1:${this.listeningPort}`;
  }

  get isUp(): boolean {
    return this.listening;
  }

  get requests(): readonly RecordedRequest[] {
    return [...this.recorded];
  }

  requestsTo(method: string, path: PathPattern): RecordedRequest[] {
    const re = pathPatternToRegExp(path);
    return this.recorded.filter((r) => (method === '*' || r.method === method) && re.test(r.path));
  }

  clearRequests(): void {
    this.recorded.length = 0;
  }

  /**
   * Adds steps for method (or `*`) and path. An array is a sequence, one request each.
   * Scripts are consulted in the order they were added; used-up steps fall away.
   */
  script(method: string, path: PathPattern, step: ScriptStep | ScriptStep[], opts: ScriptOptions = {}): void {
    const re = pathPatternToRegExp(path);
    const steps = Array.isArray(step) ? step : [step];
    for (const s of steps) {
      this.scripts.push({ method: method.toUpperCase(), path: re, step: s, remaining: opts.times ?? 1 });
    }
  }

  resetScripts(): void {
    this.scripts.length = 0;
  }

  /** Steps not used yet (Infinity-times steps count as one). */
  pendingScripts(): number {
    return this.scripts.filter((s) => s.remaining > 0).length;
  }

  /** Simulates an outage: stops listening and drops every connection, including requests in progress. */
  async down(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dropEverything();
    await closed;
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    if (this.listening) return;
    await this.listen(this.listeningPort);
  }

  async close(): Promise<void> {
    await this.down();
    this.dropEverything();
  }

  private dropEverything(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        this.listeningPort = (this.server.address() as AddressInfo).port;
        this.listening = true;
        resolve();
      });
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private nextStep(req: RecordedRequest): ScriptStep | undefined {
    for (const s of this.scripts) {
      if (s.remaining <= 0) continue;
      if (s.method !== '*' && s.method !== req.method) continue;
      if (!s.path.test(req.path)) continue;
      s.remaining--;
      return s.step;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://placeholder');
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      body,
      receivedAt: new Date(),
    };
    this.recorded.push(recorded);

    let response: ScriptedResponse;
    try {
      const step = this.nextStep(recorded);
      response =
        step === undefined
          ? await this.defaultHandler(recorded)
          : typeof step === 'function'
            ? await step(recorded)
            : step;
      if (response.hang) return;
      if (response.delayMs) await this.sleep(response.delayMs);
      if (res.destroyed) return;
      if (response.destroyConnection) {
        req.socket.destroy();
        return;
      }
      if (response.passThrough) {
        const fallback = await this.defaultHandler(recorded);
        response = { ...fallback, headers: { ...fallback.headers, ...response.headers } };
      }
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.handlerErrors.push(error);
      response = { status: 500, body: { description: `scripted server handler failed: ${error.message}` } };
    }
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string> = { ...response.headers };
    let payload: string | undefined;
    if (response.rawBody !== undefined) payload = response.rawBody;
    else if (response.body !== undefined) {
      payload = JSON.stringify(response.body);
      headers['content-type'] ??= 'application/json';
    }
    res.writeHead(response.status ?? 200, headers);
    res.end(req.method === 'HEAD' ? undefined : payload);
  }
}
