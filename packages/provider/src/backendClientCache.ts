import type { BackendSettings } from './backendSettings.js';

/**
 * One client per ProviderConfig, rebuilt when its settings (URL, credentials, TLS: anything the
 * fingerprint covers, so also a rotated Secret) change. Clients own connection pools and catalog
 * caches, so they are shared by every resource using the same ProviderConfig.
 */
export class BackendClientCache<C> {
  private readonly clients = new Map<string, { fingerprint: string; client: C }>();

  constructor(
    private readonly create: (settings: BackendSettings) => C,
    private readonly dispose: (client: C) => Promise<void> | void = () => undefined,
  ) {}

  get(settings: BackendSettings): C {
    const known = this.clients.get(settings.providerConfigName);
    if (known?.fingerprint === settings.fingerprint) return known.client;
    const client = this.create(settings);
    this.clients.set(settings.providerConfigName, { fingerprint: settings.fingerprint, client });
    if (known) void Promise.resolve(this.dispose(known.client)).catch(() => undefined);
    return client;
  }

  get size(): number {
    return this.clients.size;
  }

  async closeAll(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(all.map((c) => Promise.resolve(this.dispose(c.client))));
  }
}
