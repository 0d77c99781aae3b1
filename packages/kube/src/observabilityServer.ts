import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';
import type { RuntimeMetrics } from './metrics.js';

export interface ObservabilityServerOptions {
  /** host:port; port 0 picks a free one. */
  address: string;
  metrics: RuntimeMetrics;
  logger: Logger;
  /** Liveness: the process can make progress (default: always). */
  healthy?: () => boolean;
  /** Readiness: e.g. informers synced. Unready answers 503 with the reason. */
  ready?: () => { ready: boolean; reason?: string };
}

/** Readiness of a component that serves from informer caches: ready once all have synced. */
export function cachesSynced(informers: ReadonlyArray<{ name: string; hasSynced(): boolean }>): {
  ready: boolean;
  reason?: string;
} {
  const waiting = informers.filter((i) => !i.hasSynced()).map((i) => i.name);
  return waiting.length === 0
    ? { ready: true }
    : { ready: false, reason: `caches not synced: ${waiting.join(', ')}` };
}

/** Serves /healthz, /readyz and /metrics for a long-running component. */
export async function startObservabilityServer(
  opts: ObservabilityServerOptions,
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const i = opts.address.lastIndexOf(':');
  if (i < 0) throw new Error(`address ${JSON.stringify(opts.address)} must be host:port`);
  const host = opts.address.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0';
  const port = Number(opts.address.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port in ${opts.address}`);

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    switch (path) {
      case '/healthz':
      case '/livez':
        return (opts.healthy?.() ?? true) ? send(200, 'ok\n') : send(503, 'unhealthy\n');
      case '/readyz': {
        const r = opts.ready?.() ?? { ready: true };
        return r.ready ? send(200, 'ok\n') : send(503, `not ready: ${r.reason ?? 'starting'}\n`);
      }
      case '/metrics':
        opts.metrics.render().then(
          (text) => send(200, text, opts.metrics.registry.contentType),
          (err: unknown) => {
            opts.logger.error({ err }, 'rendering metrics failed');
            send(500, 'metrics unavailable\n');
          },
        );
        return;
      default:
        return send(404, 'not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  opts.logger.info({ url }, 'serving /healthz, /readyz and /metrics');
  return {
    server,
    url,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
