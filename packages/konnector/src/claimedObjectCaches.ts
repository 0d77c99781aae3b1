import { Informer, ResourceClient } from '@klutch/kube';
import type { KubeClient, Logger, RuntimeMetrics } from '@klutch/kube';

export interface ClaimedResource {
  group: string;
  version: string;
  resource: string;
}

/** A shared cache and the function that gives it back. */
export interface ClaimedObjectCache {
  informer: Informer;
  release: () => void;
}

/**
 * The app-cluster caches of claimed resources (Secrets, ConfigMaps, ...): one metadata-only,
 * cluster-wide informer per resource, shared by every export syncer that claims it.
 *
 * Metadata only, because the claim controllers read both copies live before acting; the cache
 * only turns changes into work. A Helm release Secret of 100 KB then costs the konnector its
 * metadata (a few hundred bytes) instead of its body, once instead of once per claim.
 */
export class ClaimedObjectCaches {
  private readonly caches = new Map<string, { informer: Informer; users: number }>();

  constructor(
    private readonly opts: {
      client: KubeClient;
      logger: Logger;
      metrics?: RuntimeMetrics;
      /** Every cache stops when this aborts. */
      signal: AbortSignal;
    },
  ) {}

  acquire(r: ClaimedResource): ClaimedObjectCache {
    const id = `${r.group || 'core'}/${r.version}/${r.resource}`;
    let entry = this.caches.get(id);
    if (!entry) {
      const informer = new Informer({
        resource: new ResourceClient(this.opts.client, { ...r, namespaced: true }),
        logger: this.opts.logger,
        metrics: this.opts.metrics,
        name: `app:claimed:${id}`,
        metadataOnly: true,
      });
      entry = { informer, users: 0 };
      this.caches.set(id, entry);
      informer.start(this.opts.signal);
    }
    entry.users++;
    const held = entry;
    let released = false;
    return {
      informer: held.informer,
      release: () => {
        if (released) return;
        released = true;
        held.users--;
        if (held.users > 0 || this.caches.get(id) !== held) return;
        // Nobody claims this resource any more: no watch stays open for it.
        this.caches.delete(id);
        void held.informer.stop();
      },
    };
  }

  async stop(): Promise<void> {
    const all = [...this.caches.values()];
    this.caches.clear();
    await Promise.all(all.map((c) => c.informer.stop()));
  }
}
