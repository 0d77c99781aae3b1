import { Informer } from '@klutch/kube';
import type { InformerHandlers, KubeObject, Logger, ResourceClient, RuntimeMetrics } from '@klutch/kube';

/**
 * The provider-side cache of one resource: either one cluster-wide informer, or a dynamic set of
 * namespaced informers that follows the consumer's service namespaces (in Namespaced consumer
 * scope RBAC only allows those). Handlers apply to every informer, present and future.
 */
export class UpstreamInformers<T extends KubeObject = KubeObject> {
  private readonly informers = new Map<string, Informer<T>>();
  /** Per handler set, the function that detaches it from each informer. */
  private readonly handlers = new Map<InformerHandlers<T>, Map<Informer<T>, () => void>>();
  private stopped = false;

  constructor(
    private readonly opts: {
      resource: ResourceClient<T>;
      logger: Logger;
      metrics?: RuntimeMetrics;
      /** One cluster-wide informer instead of one per namespace. */
      clusterWide: boolean;
      name: string;
      signal: AbortSignal;
    },
  ) {
    if (opts.clusterWide) this.add('');
  }

  get clusterWide(): boolean {
    return this.opts.clusterWide;
  }

  /** Follows the given namespaces: informers for new ones start, those for gone ones stop. */
  setNamespaces(namespaces: Iterable<string>): void {
    if (this.opts.clusterWide || this.stopped) return;
    const wanted = new Set(namespaces);
    for (const ns of wanted) if (!this.informers.has(ns)) this.add(ns);
    for (const [ns, inf] of [...this.informers]) {
      if (wanted.has(ns)) continue;
      this.informers.delete(ns);
      for (const perInformer of this.handlers.values()) {
        perInformer.get(inf)?.();
        perInformer.delete(inf);
      }
      void inf.stop();
    }
  }

  private add(namespace: string): void {
    const informer = new Informer<T>({
      resource: this.opts.resource,
      logger: this.opts.logger,
      metrics: this.opts.metrics,
      name: namespace ? `${this.opts.name}@${namespace}` : this.opts.name,
      ...(namespace ? { namespace } : {}),
    });
    this.informers.set(namespace, informer);
    for (const [h, perInformer] of this.handlers) perInformer.set(informer, informer.addHandlers(h));
    informer.start(this.opts.signal);
  }

  addHandlers(h: InformerHandlers<T>): () => void {
    const perInformer = new Map<Informer<T>, () => void>();
    this.handlers.set(h, perInformer);
    for (const inf of this.informers.values()) perInformer.set(inf, inf.addHandlers(h));
    return () => {
      for (const remove of perInformer.values()) remove();
      this.handlers.delete(h);
    };
  }

  get(key: string): T | undefined {
    if (this.opts.clusterWide) return this.informers.get('')?.get(key);
    const ns = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
    return this.informers.get(ns)?.get(key);
  }

  /** Whether the informer that would hold `key` exists and has listed, so a miss means "absent". */
  hasSyncedFor(key: string): boolean {
    const ns = this.opts.clusterWide || !key.includes('/') ? '' : key.slice(0, key.indexOf('/'));
    return this.informers.get(this.opts.clusterWide ? '' : ns)?.hasSynced() ?? false;
  }

  list(): T[] {
    return [...this.informers.values()].flatMap((i) => i.list());
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    this.informers.clear();
  }
}
