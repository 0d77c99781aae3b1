/** One endpoint of an instance as shown in `status.atProvider.connectionDetails`: never a secret. */
export interface ConnectionEndpoint {
  hostURL: string;
  port?: string;
  label: string;
}

/** A flattened list value: a JSON array (our flattening), a Go-style `[a b]` list, or one value. */
function listValue(v: string | undefined): string[] {
  if (v === undefined || v === '') return [];
  const t = v.trim();
  if (t.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (Array.isArray(parsed)) return parsed.map((x) => String(x));
    } catch {
      return t
        .slice(1, -1)
        .split(/[\s,]+/)
        .filter(Boolean);
    }
  }
  return [t];
}

/** Splits `host:port` (also `[v6]:port`); the port is only taken when it is numeric. */
function splitHostPort(v: string): { host: string; port?: string } {
  const i = v.lastIndexOf(':');
  if (i > 0 && /^\d+$/.test(v.slice(i + 1))) {
    return { host: v.slice(0, i).replace(/^\[|\]$/g, ''), port: v.slice(i + 1) };
  }
  return { host: v };
}

/**
 * A URL reduced to scheme, host and port: user info (which may be a password) and paths are
 * dropped, so nothing secret reaches the status. Undefined when the value is not a URL.
 */
function urlEndpoint(v: string, label: string): ConnectionEndpoint | undefined {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return undefined;
  }
  if (!u.hostname) return undefined;
  const ep: ConnectionEndpoint = { hostURL: `${u.protocol}//${u.hostname}`, label };
  if (u.port) ep.port = u.port;
  return ep;
}

function hostEndpoint(host: string | undefined, port: string | undefined, label: string) {
  if (!host) return [];
  const hp = splitHostPort(host);
  const ep: ConnectionEndpoint = { hostURL: hp.host, label };
  const p = port ?? hp.port;
  if (p) ep.port = p;
  return [ep];
}

const first = (creds: Record<string, string>, ...keys: string[]): string | undefined => {
  for (const k of keys) if (creds[k]) return creds[k];
  return undefined;
};

/**
 * The host/port endpoints found in a binding's flattened credentials, labelled per data service.
 * Users see where an instance is reachable with `kubectl get`, without reading the Secret.
 */
export function connectionEndpoints(
  instanceType: string | undefined,
  creds: Record<string, string>,
): ConnectionEndpoint[] {
  const type = instanceType ?? '';
  if (type.includes('mongodb')) {
    return listValue(creds.hosts).flatMap((h) => hostEndpoint(h, undefined, 'MongoDB'));
  }
  if (type.includes('prometheus')) {
    const urls = (key: string, label: string) =>
      listValue(creds[key]).flatMap((u) => urlEndpoint(u, label) ?? []);
    const graphitePort = creds.graphite_exporter_port;
    return [
      ...urls('prometheus_urls', 'Prometheus'),
      ...urls('alertmanager_urls', 'Alertmanager'),
      ...urls('grafana_urls', 'Grafana'),
      ...listValue(creds.graphite_exporters).flatMap((h) =>
        hostEndpoint(h, graphitePort, 'Graphite Exporter'),
      ),
    ];
  }
  if (type.includes('messaging')) {
    const out: ConnectionEndpoint[] = [];
    for (const [key, label] of [
      ['http_api_uri', 'HTTP API'],
      ['protocols.amqp_ssl.uri', 'AMQP SSL'],
      ['protocols.amqp.uri', 'AMQP'],
      ['protocols.management.uri', 'Management'],
    ] as const) {
      const v = creds[key];
      const ep = v ? urlEndpoint(v, label) : undefined;
      if (ep) out.push(ep);
    }
    if (out.length === 0) return hostEndpoint(first(creds, 'host', 'hostname'), creds.port, 'Messaging');
    return out;
  }
  if (type.includes('logme2')) {
    const host = first(creds, 'host', 'hostname');
    const ep = host ? urlEndpoint(host, 'Logme2') : undefined;
    if (ep) return [{ ...ep, ...(creds.port ? { port: creds.port } : {}) }];
    return hostEndpoint(host, creds.port, 'Logme2');
  }
  if (type.includes('search')) {
    return listValue(first(creds, 'host', 'hostname')).flatMap((h) => hostEndpoint(h, creds.port, 'Search'));
  }
  if (type.includes('keyvalue')) {
    return hostEndpoint(first(creds, 'host', 'hostname'), first(creds, 'valkey.port', 'port'), 'KeyValue');
  }
  const label = type.includes('postgresql') || type.includes('mariadb') ? 'SQL' : type || 'Service';
  const host = first(creds, 'host', 'hostname');
  if (host) return hostEndpoint(host, creds.port, label);
  const uri = first(creds, 'uri', 'url');
  const ep = uri ? urlEndpoint(uri, label) : undefined;
  return ep ? [ep] : [];
}
