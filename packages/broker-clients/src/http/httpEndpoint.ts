import { Agent } from 'undici';
import { displayUrl, parseBaseUrl } from './displayUrl.js';
import { tlsConnectOptions, type TlsSettings } from './tlsSettings.js';
import { classifyTransportError, TransportFailure } from './transportFailure.js';

export type QueryParams = Record<string, string | boolean | number | undefined>;

export interface HttpCall {
  method: 'GET' | 'HEAD' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  /** Path below the base URL, starting with `/`. */
  path: string;
  query?: QueryParams;
  headers: Record<string, string>;
  body?: string;
  /** Overrides the endpoint's timeout for this call. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface HttpEndpointOptions extends TlsSettings {
  url: string;
  /** Deadline for the whole exchange (connect, send, headers and body). */
  timeoutMs: number;
  /** Used in configuration error messages, e.g. "service broker". */
  what: string;
}

export function buildQuery(query: QueryParams | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * One backend base URL with its own connection pool (keep-alive, TLS settings).
 * Every call has a deadline; transport problems surface as TransportFailure, and an
 * abort through the caller's signal rethrows the signal's reason unchanged.
 */
export class HttpEndpoint {
  readonly baseUrl: URL;
  /** The base URL without credentials, for messages. */
  readonly displayUrl: string;
  /** user:password embedded in the URL, if any (undici would not send them). */
  readonly urlCredentials: { username: string; password: string } | undefined;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly agent: Agent;

  constructor(opts: HttpEndpointOptions) {
    this.baseUrl = parseBaseUrl(opts.url, opts.what);
    this.displayUrl = displayUrl(this.baseUrl);
    this.urlCredentials =
      this.baseUrl.username !== ''
        ? {
            username: decodeURIComponent(this.baseUrl.username),
            password: decodeURIComponent(this.baseUrl.password),
          }
        : undefined;
    this.origin = this.baseUrl.origin;
    this.basePath = this.baseUrl.pathname.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs;
    const tls = tlsConnectOptions(opts, opts.what);
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 90_000,
      connections: 32,
      connect: { ...tls, timeout: 30_000 },
    });
  }

  async call(call: HttpCall): Promise<HttpAnswer> {
    const timeoutMs = call.timeoutMs ?? this.timeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, deadline]) : deadline;
    try {
      const res = await this.agent.request({
        origin: this.origin,
        path: this.basePath + call.path + buildQuery(call.query),
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal,
        // The overall deadline above governs; undici's own per-phase timers would only race it.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      if (call.signal?.aborted) throw call.signal.reason;
      if (deadline.aborted) {
        throw new TransportFailure('timeout', true, `no answer within ${formatDuration(timeoutMs)}`, {
          cause: err,
        });
      }
      throw classifyTransportError(err);
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}
