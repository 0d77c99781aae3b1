import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { startObservabilityServer, type Logger, type RuntimeMetrics } from '@klutch/kube';

export interface HealthServerOptions {
  address: string;
  metrics: RuntimeMetrics;
  logger: Logger;
  ready: () => { ready: boolean; reason?: string };
  /** The `/backend-health` body; undefined while the ProviderConfigs are not loaded yet. */
  backendHealth: () => Record<string, 'ok' | 'degraded'> | undefined;
}

/**
 * The runtime's /healthz, /readyz and /metrics plus the reference's `/backend-health` on the same
 * port (one port per process keeps probes and scraping simple). The observability server has no
 * way to add routes, so its request handler is wrapped.
 */
export async function startHealthServer(
  opts: HealthServerOptions,
): Promise<{ url: string; close: () => Promise<void> }> {
  const obs = await startObservabilityServer({
    address: opts.address,
    metrics: opts.metrics,
    logger: opts.logger,
    ready: opts.ready,
  });
  const inner = obs.server.listeners('request') as RequestListener[];
  obs.server.removeAllListeners('request');
  obs.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/backend-health' && (req.method === 'GET' || req.method === 'HEAD')) {
      const body = opts.backendHealth();
      if (body === undefined) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('ProviderConfigs not loaded yet\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
      return;
    }
    for (const listener of inner) listener.call(obs.server, req, res);
  });
  return { url: obs.url, close: obs.close };
}
