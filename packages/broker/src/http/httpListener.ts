import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@klutch/kube';
import { busyRetryAfterSeconds } from '../brokerDefaults.js';
import { timeoutKindOf } from '../engines/timeoutFailures.js';
import { checkApiVersion } from '../osb/apiVersion.js';
import { isAuthorized } from './basicAuth.js';
import type { BasicCredentials } from './basicAuth.js';
import { HttpError } from './httpErrors.js';
import type { ErrorBody } from './httpErrors.js';
import { parseListenAddress, urlFor } from './listenAddress.js';
import { matchRoute } from './router.js';
import type { HttpResponse, Route } from './router.js';

const maxBodyBytes = 1024 * 1024;

export interface ListenerOptions {
  /** For logs: which API this listener serves. */
  name: string;
  address: string;
  tls?: { cert: string | Buffer; key: string | Buffer };
  routes: readonly Route[];
  credentials: BasicCredentials;
  /**
   * While this returns a reason, requests that change something (anything but GET and HEAD) are
   * answered 503 with Retry-After: the broker must not take new work it cannot do safely.
   */
  refuseWrites?: () => string | undefined;
  logger: Logger;
}

/** What a 503 for refused writes suggests: the lock is normally taken again within a second or two. */
const refusedWritesRetryAfterSeconds = 5;

export interface RunningListener {
  url: string;
  close(): Promise<void>;
}

/** An HTTP(S) listener that authenticates, checks the OSB version, parses JSON and dispatches routes. */
export async function startListener(options: ListenerOptions): Promise<RunningListener> {
  const { host, port } = parseListenAddress(options.address);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void handle(options, req, res);
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const url = urlFor(options.tls ? 'https' : 'http', host, bound.port);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(options: ListenerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const url = new URL(req.url ?? '/', 'http://broker.invalid');
  let response: HttpResponse;
  try {
    response = await dispatch(options, req, url);
  } catch (err) {
    if (err instanceof HttpError) {
      response = { status: err.status, body: err.body, headers: err.headers };
    } else if (timeoutKindOf(err) !== undefined) {
      // A database that is busy or stuck right now; every step is idempotent, so a repeat is safe.
      options.logger.warn(
        { listener: options.name, method: req.method, path: url.pathname, err: (err as Error).message },
        'request timed out at a database',
      );
      response = {
        status: 503,
        headers: { 'retry-after': String(busyRetryAfterSeconds) },
        body: errorBody(
          'ServiceUnavailable',
          `The broker could not handle ${req.method} ${url.pathname} in time: ${(err as Error).message}. ` +
            `Send the request again after ${busyRetryAfterSeconds} seconds.`,
        ),
      };
    } else {
      options.logger.error(
        { listener: options.name, method: req.method, path: url.pathname, err: (err as Error).message },
        'request failed',
      );
      response = {
        status: 500,
        body: errorBody(
          'InternalError',
          `The broker failed to handle ${req.method} ${url.pathname}: ${(err as Error).message}. See the broker log for details.`,
        ),
      };
    }
  }
  // OSB 2.15+: echoing the platform's request identity lets both sides correlate their logs.
  const requestIdentity = req.headers['x-broker-api-request-identity'];
  if (typeof requestIdentity === 'string' && requestIdentity.length <= 200) {
    response = {
      ...response,
      headers: { ...response.headers, 'x-broker-api-request-identity': requestIdentity },
    };
  }
  send(res, response);
  options.logger.debug(
    {
      listener: options.name,
      method: req.method,
      path: url.pathname,
      status: response.status,
      ms: Date.now() - started,
      requestIdentity,
    },
    'request',
  );
}

function errorBody(error: string | undefined, description: string): ErrorBody {
  return error ? { error, description } : { description };
}

async function dispatch(options: ListenerOptions, req: IncomingMessage, url: URL): Promise<HttpResponse> {
  const match = matchRoute(options.routes, req.method ?? 'GET', url.pathname);
  if (match.kind === 'notFound') {
    return {
      status: 404,
      body: errorBody('NotFound', `There is no ${options.name} endpoint ${url.pathname}.`),
    };
  }
  if (match.kind === 'wrongMethod') {
    return {
      status: 405,
      headers: { allow: match.allowed.join(', ') },
      body: errorBody(
        'MethodNotAllowed',
        `${url.pathname} does not support ${req.method}; use ${match.allowed.join(' or ')}.`,
      ),
    };
  }
  const { route, params } = match;
  if (!route.public && !isAuthorized(req.headers.authorization, options.credentials)) {
    return {
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="klutch-broker"' },
      body: errorBody(
        'Unauthorized',
        'Missing or wrong credentials: use HTTP basic auth with the broker username and password.',
      ),
    };
  }
  if (route.osb) {
    const version = checkApiVersion(req.headers['x-broker-api-version']);
    if (!version.ok) return { status: 412, body: errorBody('PreconditionFailed', version.description) };
  }
  const refused = route.method === 'GET' ? undefined : options.refuseWrites?.();
  if (refused !== undefined) {
    return {
      status: 503,
      headers: { 'retry-after': String(refusedWritesRetryAfterSeconds) },
      body: errorBody('ServiceUnavailable', `${refused}. Retry the request later.`),
    };
  }
  const body = await readJsonBody(req);
  return route.handler({
    method: route.method,
    path: url.pathname,
    params,
    query: url.searchParams,
    headers: req.headers,
    body,
  });
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) {
      throw new HttpError(
        413,
        errorBody('PayloadTooLarge', `The request body exceeds ${maxBodyBytes} bytes.`),
      );
    }
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(
      400,
      errorBody('BadRequest', `The request body is not valid JSON: ${(err as Error).message}.`),
    );
  }
}

function send(res: ServerResponse, response: HttpResponse): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...response.headers };
  let payload: string;
  if (response.html !== undefined) {
    headers['content-type'] = 'text/html; charset=utf-8';
    payload = response.html;
  } else {
    headers['content-type'] = 'application/json; charset=utf-8';
    payload = JSON.stringify(response.body ?? {});
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}
