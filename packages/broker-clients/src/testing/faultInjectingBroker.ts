import type { BrokerAuth } from '../osb/osbHeaders.js';
import type { OsbCatalog } from '../osb/osbTypes.js';
import {
  defaultFakeCatalog,
  FakeOsbBroker,
  type CredentialsFactory,
  type FakeBinding,
  type FakeBrokerBehaviour,
  type FakeInstance,
} from './fakeOsbBroker.js';
import {
  ScriptedHttpServer,
  type PathPattern,
  type RecordedRequest,
  type ScriptOptions,
  type ScriptStep,
} from './scriptedHttpServer.js';

export interface FaultInjectingBrokerOptions extends Partial<FakeBrokerBehaviour> {
  catalog?: OsbCatalog;
  /** Credentials the broker requires; none when left out. */
  auth?: BrokerAuth;
  /** Serve HTTPS with this certificate (see generateTestCertificates). */
  tls?: { certPem: string; keyPem: string };
  /** The credentials a new binding gets. */
  credentials?: CredentialsFactory;
}

/**
 * A programmable OSB v2.17 broker for tests, on 127.0.0.1 and a random port. Without
 * scripts it is a working in-memory broker (catalog, 201 provision, succeeded
 * last_operation, bindings with credentials, a9s GET /instances/{id}); `script()`
 * overrides answers per method and path (status, headers, raw body, delays, dropped
 * connections, hangs), `behaviour` switches to asynchronous operations that finish
 * after N polls or never, and `down()`/`up()` simulate an outage on the same port.
 * Every request is recorded.
 */
export class FaultInjectingBroker {
  private constructor(
    private readonly server: ScriptedHttpServer,
    private readonly fake: FakeOsbBroker,
  ) {}

  static async start(opts: FaultInjectingBrokerOptions = {}): Promise<FaultInjectingBroker> {
    const behaviour: FakeBrokerBehaviour = {
      async: opts.async ?? false,
      pollsUntilDone: opts.pollsUntilDone ?? 1,
      finalState: opts.finalState ?? 'succeeded',
      a9sExtensions: opts.a9sExtensions ?? true,
      requireVersionHeader: opts.requireVersionHeader ?? true,
      ...(opts.retryAfterSeconds !== undefined ? { retryAfterSeconds: opts.retryAfterSeconds } : {}),
      ...(opts.bindingTtlSeconds !== undefined ? { bindingTtlSeconds: opts.bindingTtlSeconds } : {}),
    };
    const fake = new FakeOsbBroker(
      opts.catalog ?? defaultFakeCatalog(),
      behaviour,
      opts.auth,
      opts.credentials,
    );
    const server = await ScriptedHttpServer.start({
      ...(opts.tls ? { tls: opts.tls } : {}),
      defaultHandler: (req) => fake.handle(req),
    });
    return new FaultInjectingBroker(server, fake);
  }

  /** Base URL, e.g. http://127.0.0.1:40123. */
  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  /** The default behaviour; change fields at any time. */
  get behaviour(): FakeBrokerBehaviour {
    return this.fake.behaviour;
  }

  get catalog(): OsbCatalog {
    return this.fake.catalog;
  }

  set catalog(catalog: OsbCatalog) {
    this.fake.catalog = catalog;
  }

  get instances(): ReadonlyMap<string, FakeInstance> {
    return this.fake.instances;
  }

  /** Keyed by `<instanceId>/<bindingId>`. */
  get bindings(): ReadonlyMap<string, FakeBinding> {
    return this.fake.bindings;
  }

  get requests(): readonly RecordedRequest[] {
    return this.server.requests;
  }

  /** Recorded requests for a method (or `*`) and path pattern. */
  requestsTo(method: string, path: PathPattern): RecordedRequest[] {
    return this.server.requestsTo(method, path);
  }

  clearRequests(): void {
    this.server.clearRequests();
  }

  /** See ScriptedHttpServer.script: steps answer matching requests before the default behaviour. */
  script(method: string, path: PathPattern, step: ScriptStep | ScriptStep[], opts?: ScriptOptions): void {
    this.server.script(method, path, step, opts);
  }

  resetScripts(): void {
    this.server.resetScripts();
  }

  pendingScripts(): number {
    return this.server.pendingScripts();
  }

  /** Errors thrown inside scripts or the default behaviour (each answered with 500). */
  get handlerErrors(): readonly Error[] {
    return this.server.handlerErrors;
  }

  get isUp(): boolean {
    return this.server.isUp;
  }

  /** Stops listening and drops all connections (requests in flight included). */
  down(): Promise<void> {
    return this.server.down();
  }

  /** Listens again on the same port. */
  up(): Promise<void> {
    return this.server.up();
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

export function startFaultInjectingBroker(
  opts: FaultInjectingBrokerOptions = {},
): Promise<FaultInjectingBroker> {
  return FaultInjectingBroker.start(opts);
}

/** Instance paths for scripts: `/v2/service_instances/<id or *>`. */
export const osbPaths = {
  catalog: '/v2/catalog',
  instance: (instanceId = '*') => `/v2/service_instances/${instanceId}`,
  instanceLastOperation: (instanceId = '*') => `/v2/service_instances/${instanceId}/last_operation`,
  binding: (instanceId = '*', bindingId = '*') =>
    `/v2/service_instances/${instanceId}/service_bindings/${bindingId}`,
  bindingLastOperation: (instanceId = '*', bindingId = '*') =>
    `/v2/service_instances/${instanceId}/service_bindings/${bindingId}/last_operation`,
  a9sInstance: (instanceId = '*') => `/instances/${instanceId}`,
} as const;
