import { ClientConfigurationError } from './http/displayUrl.js';
import { HttpEndpoint } from './http/httpEndpoint.js';
import type { TlsSettings } from './http/tlsSettings.js';
import { TransportFailure } from './http/transportFailure.js';
import {
  authorizationHeader,
  osbRequestHeaders,
  validateBrokerAuth,
  type BrokerAuth,
} from './osb/osbHeaders.js';

export type BackendKind = 'servicebroker' | 'backupmanager';

export interface BackendConnection extends TlsSettings {
  url: string;
  auth?: BrokerAuth;
}

export interface HealthCheckOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HealthCheckResult {
  healthy: boolean;
  /** "Available", "Received unexpected status N" or "unreachable: …". */
  message: string;
}

/** Every OSB broker serves the catalog; the a9s `/instances` must be configured explicitly. */
export const DEFAULT_HEALTH_CHECK_ENDPOINT = '/v2/catalog';

/**
 * One health check of a ProviderConfig's backend. A service broker gets
 * `GET <url>/<endpoint>` (default `/v2/catalog`) with the OSB headers and is healthy only on 200; a backup
 * manager gets `GET <url><endpoint>` with basic auth and is healthy on any 2xx. Never
 * throws for backend problems: they are the result. Rethrows an aborted signal's reason.
 */
export async function checkBrokerHealth(
  kind: BackendKind,
  conn: BackendConnection,
  endpoint: string = DEFAULT_HEALTH_CHECK_ENDPOINT,
  opts: HealthCheckOptions = {},
): Promise<HealthCheckResult> {
  let backend: HttpEndpoint;
  try {
    const authProblem = validateBrokerAuth(conn.auth);
    if (authProblem) throw new ClientConfigurationError(authProblem);
    backend = new HttpEndpoint({
      ...conn,
      timeoutMs: opts.timeoutMs ?? 10_000,
      what: kind === 'servicebroker' ? 'service broker' : 'backup manager',
    });
  } catch (err) {
    if (err instanceof ClientConfigurationError) return { healthy: false, message: err.userMessage };
    throw err;
  }
  const auth = conn.auth ?? backend.urlCredentials;
  const path = `/${(endpoint || DEFAULT_HEALTH_CHECK_ENDPOINT).replace(/^\/+/, '')}`;
  try {
    if (kind === 'servicebroker') {
      const { headers } = osbRequestHeaders({ auth, platform: 'kubernetes', hasBody: false });
      // GET, not HEAD: OSB defines GET /v2/catalog, and routers of many brokers answer HEAD with 404/405.
      const answer = await backend.call({ method: 'GET', path, headers, signal: opts.signal });
      return answer.status === 200
        ? { healthy: true, message: 'Available' }
        : { healthy: false, message: `Received unexpected status ${answer.status}` };
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth) headers.authorization = authorizationHeader(auth);
    const answer = await backend.call({ method: 'GET', path, headers, signal: opts.signal });
    return answer.status >= 200 && answer.status < 300
      ? { healthy: true, message: 'Available' }
      : { healthy: false, message: `Received unexpected status ${answer.status}` };
  } catch (err) {
    if (err instanceof TransportFailure) return { healthy: false, message: `unreachable: ${err.detail}` };
    throw err;
  } finally {
    await backend.close();
  }
}
