import type { IncomingHttpHeaders } from 'node:http';

export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST';

export interface HttpRequest {
  method: HttpMethod;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the request had none. */
  body: unknown;
}

export interface HttpResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Responses are JSON unless they carry ready-made HTML. */
  html?: string;
}

export type Handler = (request: HttpRequest) => Promise<HttpResponse>;

export interface Route {
  method: HttpMethod;
  /** Path with `:name` segments, e.g. `/v2/service_instances/:instance_id`. */
  pattern: string;
  handler: Handler;
  /** Reachable without credentials (health checks). */
  public?: boolean;
  /** Requires an acceptable X-Broker-API-Version header (the OSB routes). */
  osb?: boolean;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrongMethod'; allowed: HttpMethod[] }
  | { kind: 'notFound' };

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const h = have[i] ?? '';
    if (w.startsWith(':')) {
      if (h === '') return undefined;
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return undefined;
      }
    } else if (w !== h) {
      return undefined;
    }
  }
  return params;
}

/** HEAD is answered like GET (the OSB health check of the provider uses HEAD). */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const effective = method === 'HEAD' ? 'GET' : method;
  const allowed: HttpMethod[] = [];
  for (const route of routes) {
    const params = matchPattern(route.pattern, path);
    if (!params) continue;
    if (route.method === effective) return { kind: 'found', route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: 'wrongMethod', allowed } : { kind: 'notFound' };
}
