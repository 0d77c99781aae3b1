import { subscribe } from 'node:diagnostics_channel';
import type { ClientHttp2Stream } from 'node:http2';
import { connect as connectTcp, type Socket } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { KubeApiError, type ApiStatus } from './kubeApiError.js';
import {
  loadKubeConfig,
  type ConnectionOptions,
  type KubeConfig,
  type KubeConfigSource,
} from './kubeConfig.js';
import { currentLeadership, LeadershipLostError } from './leadershipScope.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  /** Accept header; default `application/json` (e.g. a PartialObjectMetadata media type). */
  accept?: string;
  signal?: AbortSignal;
  /** Time to wait for response headers (default 30 s). */
  timeoutMs?: number;
}

export interface WatchEvent<T = unknown> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface KubeClientOptions {
  userAgent?: string;
  /** Maximum parallel connections to the API server (HTTP/1.1; watches hold one each). */
  connections?: number;
}

/** How long credentials derived from the kubeconfig are reused before being read again (token files rotate). */
const CREDENTIAL_TTL_MS = 30_000;

/**
 * The connections of one leadership term. They are never shared with work outside the term, so
 * when the term ends they can be reset (TCP RST) without harming anyone else: a reset makes the
 * peer's kernel drop bytes its application has not read yet, so a write stuck in a stalled
 * network path does not reach the API server once the path recovers. A plain close (FIN) would
 * deliver them.
 */
interface TermPool {
  agent: Agent;
  sockets: Set<Socket>;
}

function buildQuery(q: Query | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * A small HTTP client for one Kubernetes API server. TLS material and
 * credentials come from a kubeconfig (certificates, tokens and token files,
 * basic auth, exec credential plugins); requests go through an undici connection
 * pool, and watches are streamed line by line.
 */
export class KubeClient {
  readonly server: string;
  readonly kubeConfig: KubeConfig;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly userAgent: string;
  private readonly connections: number;
  private dispatcher: Dispatcher | undefined;
  private credentials: { headers: Record<string, string>; expires: number } | undefined;
  private credentialsPending: Promise<Record<string, string>> | undefined;
  private closed = false;
  /** Requests dispatched and not yet answered; close() lets them finish instead of destroying them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Bodies of running watches: close() ends them first, so the pool can close gracefully. */
  private readonly openWatches = new Set<Dispatcher.ResponseData['body']>();
  /** TLS settings of the pool, kept for the pools of leadership terms. */
  private connectOptions: buildConnector.BuildOptions | undefined;
  private readonly termPools = new Map<AbortSignal, TermPool>();

  constructor(kc: KubeConfig, opts: KubeClientOptions = {}) {
    guardHttp2Streams();
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.kubeConfig = kc;
    this.server = cluster.server.replace(/\/+$/, '');
    const u = new URL(this.server);
    this.origin = u.origin;
    this.basePath = u.pathname.replace(/\/+$/, '');
    this.userAgent = opts.userAgent ?? 'klutch-ts';
    this.connections = opts.connections ?? 64;
  }

  static from(src: KubeConfigSource, opts?: KubeClientOptions): KubeClient {
    return new KubeClient(loadKubeConfig(src), opts);
  }

  /** Refreshes TLS material and the Authorization header from the kubeconfig, at most every 30 s. */
  private async requestHeaders(): Promise<Record<string, string>> {
    if (this.credentials && this.credentials.expires > Date.now()) return this.credentials.headers;
    this.credentialsPending ??= (async () => {
      try {
        const opts: ConnectionOptions = {};
        await this.kubeConfig.applyToHTTPSOptions(opts);
        const headers: Record<string, string> = { ...(opts.headers ?? {}) };
        if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
        if (!this.dispatcher) {
          this.connectOptions = {
            ca: opts.ca,
            cert: opts.cert,
            key: opts.key,
            rejectUnauthorized: opts.rejectUnauthorized ?? true,
            servername: opts.servername,
          };
          this.dispatcher = this.newAgent(this.connectOptions);
        }
        this.credentials = { headers, expires: Date.now() + CREDENTIAL_TTL_MS };
        return headers;
      } finally {
        this.credentialsPending = undefined;
      }
    })();
    return this.credentialsPending;
  }

  private newAgent(connect: buildConnector.BuildOptions | buildConnector.connector): Agent {
    return new Agent({ connections: this.connections, pipelining: 1, keepAliveTimeout: 30_000, connect });
  }

  /**
   * The pool for requests made under `leadership`; it is reset the moment the term ends, which
   * also fails every request still in flight on it.
   */
  private termDispatcher(leadership: AbortSignal): Dispatcher {
    const existing = this.termPools.get(leadership);
    if (existing) return existing.agent;
    const sockets = new Set<Socket>();
    const pool: TermPool = {
      agent: this.newAgent(resettableConnector(buildConnector(this.connectOptions ?? {}), sockets)),
      sockets,
    };
    this.termPools.set(leadership, pool);
    // Registered before any request of the term exists, so it runs before undici's own abort
    // handling, which would close the sockets gracefully.
    leadership.addEventListener('abort', () => this.endTerm(leadership), { once: true });
    return pool.agent;
  }

  private endTerm(leadership: AbortSignal): void {
    const pool = this.termPools.get(leadership);
    if (!pool) return;
    this.termPools.delete(leadership);
    for (const socket of pool.sockets) socket.resetAndDestroy();
    pool.sockets.clear();
    pool.agent.destroy().catch(ignoreResetSocketError);
  }

  private send(opts: RequestOptions, accept: string, bodyTimeout: number): Promise<Dispatcher.ResponseData> {
    const p = this.dispatch(opts, accept, bodyTimeout);
    this.inFlight.add(p);
    const forget = () => this.inFlight.delete(p);
    p.then(forget, forget);
    return p;
  }

  private async dispatch(
    opts: RequestOptions,
    accept: string,
    bodyTimeout: number,
  ): Promise<Dispatcher.ResponseData> {
    if (this.closed) throw new Error('client is closed');
    const leadership = currentLeadership();
    const refused = () => new LeadershipLostError(`${opts.method} ${opts.path}`, leadership?.reason);
    if (leadership?.aborted) throw refused();
    const auth = await this.requestHeaders();
    const headers: Record<string, string> = { ...auth, accept, 'user-agent': this.userAgent };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] = opts.contentType ?? 'application/json';
    }
    if (!this.dispatcher) throw new Error('client is closed');
    if (leadership?.aborted) throw refused();
    // Work of a leadership term uses the term's own connections and ends with the term.
    const dispatcher = leadership ? this.termDispatcher(leadership) : this.dispatcher;
    const signal =
      leadership && opts.signal ? AbortSignal.any([opts.signal, leadership]) : (leadership ?? opts.signal);
    const res = await dispatcher.request({
      origin: this.origin,
      path: this.basePath + opts.path + buildQuery(opts.query),
      method: opts.method,
      headers,
      body,
      signal,
      headersTimeout: opts.timeoutMs ?? 30_000,
      bodyTimeout,
    });
    // undici destroys a response body with an error when its connection goes away (e.g. the
    // pool is closed). Whoever reads the body still gets that error (text() rejects, iteration
    // throws); without a listener, a body nobody is reading at that moment would crash the
    // process with an uncaught 'error' event instead.
    res.body.on('error', ignoreBodyError);
    return res;
  }

  /** One request; resolves to the parsed JSON body, throws KubeApiError on HTTP errors. */
  async request<T = unknown>(opts: RequestOptions): Promise<T> {
    const res = await this.send(opts, opts.accept ?? 'application/json', opts.timeoutMs ?? 60_000);
    const text = await res.body.text();
    if (res.statusCode >= 400) {
      throw new KubeApiError(opts.method, opts.path, res.statusCode, parseStatus(text), text);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Opens a watch and yields its events. The iterator ends when the server
   * closes the stream; it throws on transport errors and on an ERROR event
   * (as KubeApiError, so a 410 Gone can be told apart).
   */
  async *watch<T = unknown>(
    opts: Omit<RequestOptions, 'method' | 'body'> & { idleTimeoutMs?: number },
  ): AsyncGenerator<WatchEvent<T>> {
    // The body timeout doubles as an idle timeout: bookmarks arrive about once a minute.
    const res = await this.send(
      { ...opts, method: 'GET' },
      opts.accept ?? 'application/json',
      opts.idleTimeoutMs ?? 5 * 60_000,
    );
    if (res.statusCode >= 400) {
      const text = await res.body.text();
      throw new KubeApiError('GET', opts.path, res.statusCode, parseStatus(text), text);
    }
    let buffered = '';
    this.openWatches.add(res.body);
    try {
      for await (const chunk of res.body) {
        buffered += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          const ev = JSON.parse(line) as WatchEvent<T>;
          if (ev.type === 'ERROR') {
            const st = ev.object as ApiStatus;
            throw new KubeApiError('WATCH', opts.path, st.code ?? 500, st);
          }
          yield ev;
        }
      }
    } finally {
      this.openWatches.delete(res.body);
      res.body.destroy();
    }
  }

  /**
   * Stops accepting requests, lets those already dispatched get their answer
   * (for at most `graceMs`), then closes the connections. Destroying the pool
   * under a pending request would reject it with ClientDestroyedError at a
   * point where its caller may already have stopped listening.
   */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    for (const leadership of [...this.termPools.keys()]) this.endTerm(leadership);
    const d = this.dispatcher;
    this.dispatcher = undefined;
    if (!d) return;
    // Watches never finish by themselves: end them (their readers see the stream end), then close
    // the pool gracefully, which ends idle HTTP/2 sessions with GOAWAY instead of erroring every
    // stream as destroy() does. destroy() is only the fallback for requests still open.
    for (const body of this.openWatches) body.destroy();
    this.openWatches.clear();
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      d.close().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!closed) await d.destroy();
  }
}

function ignoreBodyError(): void {
  // see dispatch(): errors reach the body's reader, if any
}

function ignoreResetSocketError(): void {
  // see endTerm(): the requests on a reset connection fail through undici; nothing else to do
}

/**
 * undici's connector, except that the TCP connection under TLS is opened here and recorded, so
 * that it can be reset: a TLS socket cannot be reset, only the TCP socket it runs on.
 */
function resettableConnector(base: buildConnector.connector, sockets: Set<Socket>): buildConnector.connector {
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  return (options, callback) => {
    if (options.protocol !== 'https:') {
      base(options, (...result) => {
        if (result[1]) track(result[1]);
        callback(...result);
      });
      return;
    }
    const tcp = connectTcp({ host: options.hostname, port: Number(options.port) || 443 });
    // Errors reach undici through the TLS socket on top; a reset socket must not crash the process.
    tcp.on('error', ignoreResetSocketError);
    track(tcp);
    base({ ...options, httpSocket: tcp }, callback);
  };
}

let http2StreamsGuarded = false;

/**
 * undici (8.12) can leave an HTTP/2 stream without any 'error' listener when its session is torn
 * down (its issue #5936 fixed some of the paths, not all); Node then raises the stream's error as
 * an uncaught exception and the process dies. Every client HTTP/2 stream of the process gets a
 * no-op listener as soon as it is created. Listeners are independent, so undici's own still see
 * every error; only the crash is gone. Installed once, by the first client.
 */
export function guardHttp2Streams(): void {
  if (http2StreamsGuarded) return;
  http2StreamsGuarded = true;
  subscribe('http2.client.stream.created', (message) => {
    (message as { stream?: ClientHttp2Stream }).stream?.on('error', ignoreStreamError);
  });
}

function ignoreStreamError(): void {
  // see guardHttp2Streams()
}

function parseStatus(text: string): ApiStatus | undefined {
  try {
    const v = JSON.parse(text) as ApiStatus;
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}
