import type { Logger } from '@klutch/kube';
import { ProviderConnection, type ProviderConnectionOptions } from './providerConnection.js';

/**
 * One ProviderConnection per distinct kubeconfig, shared by every binding (keyed by
 * namespace/name) that uses it. A binding whose kubeconfig changes moves to another connection;
 * a connection without bindings is stopped.
 */
export class ConnectionRegistry {
  private readonly byKubeconfig = new Map<string, ProviderConnection>();
  private readonly kubeconfigOf = new Map<string, string>();

  constructor(
    private readonly base: Omit<ProviderConnectionOptions, 'kubeconfig' | 'providerNamespace'>,
    private readonly logger: Logger,
  ) {}

  get(bindingKey: string): ProviderConnection | undefined {
    const kc = this.kubeconfigOf.get(bindingKey);
    return kc === undefined ? undefined : this.byKubeconfig.get(kc);
  }

  async acquire(
    bindingKey: string,
    kubeconfig: string,
    providerNamespace: string,
  ): Promise<ProviderConnection> {
    const previous = this.kubeconfigOf.get(bindingKey);
    if (previous !== undefined && previous !== kubeconfig) await this.release(bindingKey);
    let conn = this.byKubeconfig.get(kubeconfig);
    if (!conn) {
      conn = new ProviderConnection({ ...this.base, kubeconfig, providerNamespace });
      this.byKubeconfig.set(kubeconfig, conn);
      conn.start();
      this.logger.info({ providerNamespace }, 'connected to service provider');
    }
    this.kubeconfigOf.set(bindingKey, kubeconfig);
    if (!conn.bindingKeys.has(bindingKey)) {
      conn.bindingKeys.add(bindingKey);
      conn.bindingsChanged([bindingKey.slice(bindingKey.indexOf('/') + 1)]);
    }
    return conn;
  }

  async release(bindingKey: string): Promise<void> {
    const kc = this.kubeconfigOf.get(bindingKey);
    if (kc === undefined) return;
    this.kubeconfigOf.delete(bindingKey);
    const conn = this.byKubeconfig.get(kc);
    if (!conn) return;
    conn.bindingKeys.delete(bindingKey);
    conn.bindingsChanged([bindingKey.slice(bindingKey.indexOf('/') + 1)]);
    if (conn.bindingKeys.size === 0) {
      this.byKubeconfig.delete(kc);
      await conn.stop();
      this.logger.info({ providerNamespace: conn.providerNamespace }, 'disconnected from service provider');
    }
  }

  async stopAll(): Promise<void> {
    const all = [...this.byKubeconfig.values()];
    this.byKubeconfig.clear();
    this.kubeconfigOf.clear();
    await Promise.allSettled(all.map((c) => c.stop()));
  }
}
