import { Informer, type InformerHandlers, type InformerOptions, type InformerSource } from './informer.js';
import { splitObjectKey, type KubeObject } from './kubeObject.js';

/** What one informer of a set lists and watches. */
export interface InformerScope {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface InformerSetOptions<T extends KubeObject> extends Omit<
  InformerOptions<T>,
  'namespace' | 'labelSelector' | 'fieldSelector' | 'name'
> {
  /** Name in logs and metrics; each informer is `<name>@<key>`. */
  name: string;
  /** The list/watch scope of the informer for one key of the set. */
  scopeOf: (key: string) => InformerScope;
  /** The key of the informer that would hold the object with this `namespace/name` key. */
  keyOfObject: (objectKey: string) => string;
  /** Every informer of the set stops when this aborts. */
  signal: AbortSignal;
}

/**
 * A set of informers of one resource that follows a changing set of keys: one informer per
 * namespace, per object name, or any other scope. An informer starts when its key is added and
 * stops when it is removed. Handlers apply to every informer, present and future; an informer
 * that starts later replays what it lists as adds, so nothing that appears in a scope that
 * becomes relevant later is missed.
 *
 * It is how a component watches only what it needs (a few namespaces, a few named Secrets)
 * instead of caching a whole resource cluster-wide.
 */
export class InformerSet<T extends KubeObject = KubeObject> implements InformerSource<T> {
  private readonly informers = new Map<string, Informer<T>>();
  /** Per handler set, the function that detaches it from each informer. */
  private readonly handlers = new Map<InformerHandlers<T>, Map<Informer<T>, () => void>>();
  private stopped = false;

  constructor(private readonly opts: InformerSetOptions<T>) {}

  /** One informer per namespace (key `""`: the whole cluster). */
  static byNamespace<T extends KubeObject>(
    opts: Omit<InformerSetOptions<T>, 'scopeOf' | 'keyOfObject'>,
  ): InformerSet<T> {
    return new InformerSet<T>({
      ...opts,
      scopeOf: (namespace) => (namespace ? { namespace } : {}),
      keyOfObject: (key) => splitObjectKey(key).namespace ?? '',
    });
  }

  /**
   * One informer per object, keyed `namespace/name` (or `name`), each watching that single
   * name through a field selector: for a handful of objects in namespaces full of others.
   */
  static byName<T extends KubeObject>(
    opts: Omit<InformerSetOptions<T>, 'scopeOf' | 'keyOfObject'>,
  ): InformerSet<T> {
    return new InformerSet<T>({
      ...opts,
      scopeOf: (key) => {
        const { namespace, name } = splitObjectKey(key);
        return { ...(namespace ? { namespace } : {}), fieldSelector: `metadata.name=${name}` };
      },
      keyOfObject: (key) => key,
    });
  }

  /** Follows the given keys: informers for new keys start, those for removed keys stop. */
  setKeys(keys: Iterable<string>): void {
    if (this.stopped) return;
    const wanted = new Set(keys);
    for (const key of wanted) if (!this.informers.has(key)) this.add(key);
    for (const [key, informer] of [...this.informers]) {
      if (wanted.has(key)) continue;
      this.informers.delete(key);
      for (const perInformer of this.handlers.values()) {
        perInformer.get(informer)?.();
        perInformer.delete(informer);
      }
      void informer.stop();
    }
  }

  keys(): string[] {
    return [...this.informers.keys()];
  }

  private add(key: string): void {
    const { scopeOf, keyOfObject: _k, signal: _s, name, ...informerOpts } = this.opts;
    const scope = scopeOf(key);
    const informer = new Informer<T>({
      ...informerOpts,
      ...scope,
      name: key ? `${name}@${key}` : name,
    });
    this.informers.set(key, informer);
    for (const [h, perInformer] of this.handlers) perInformer.set(informer, informer.addHandlers(h));
    informer.start(this.opts.signal);
  }

  addHandlers(h: InformerHandlers<T>): () => void {
    const perInformer = new Map<Informer<T>, () => void>();
    this.handlers.set(h, perInformer);
    for (const informer of this.informers.values()) perInformer.set(informer, informer.addHandlers(h));
    return () => {
      for (const remove of perInformer.values()) remove();
      this.handlers.delete(h);
    };
  }

  /** The informer that would hold the object `key`; the key `""` (all namespaces) holds every object. */
  private informerFor(key: string): Informer<T> | undefined {
    return this.informers.get(this.opts.keyOfObject(key)) ?? this.informers.get('');
  }

  get(key: string): T | undefined {
    return this.informerFor(key)?.get(key);
  }

  /** Whether the informer that would hold `key` exists and has listed, so a miss means "absent". */
  hasSyncedFor(key: string): boolean {
    return this.informerFor(key)?.hasSynced() ?? false;
  }

  list(namespace?: string): T[] {
    return [...this.informers.values()].flatMap((i) => i.list(namespace));
  }

  /** Whether every informer the set has now has listed. */
  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  /** Resolves once every informer the set has now has listed. */
  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    this.informers.clear();
  }
}
