import type { KubeObject, Logger, ResourceClient } from '@klutch/kube';
import { withReady, withSynced, type ReadyState } from './managedConditions.js';
import { writeStatus } from './objectWrites.js';
import type { ProviderContext } from './providerContext.js';

/** The status every managed resource shares; kinds add their own `atProvider`. */
export interface ManagedStatus<A extends object> {
  atProvider?: A;
  conditions?: Parameters<typeof withReady>[0];
  observedGeneration?: number;
}

/**
 * What the four managed-resource reconciles have in common: the object being
 * reconciled, the status accumulated during the reconcile, and `commit()`,
 * which writes that status with fresh Ready/Synced conditions and takes the
 * server's answer as the new starting point.
 */
export abstract class ManagedReconcile<
  T extends KubeObject & { status?: S },
  S extends ManagedStatus<A>,
  A extends object,
> {
  obj: T;
  protected status: S;

  constructor(
    protected readonly ctx: ProviderContext,
    obj: T,
    protected readonly signal: AbortSignal,
    protected readonly logger: Logger,
    private readonly kind: string,
    private readonly resources: ResourceClient<T>,
  ) {
    this.obj = obj;
    this.status = structuredClone(obj.status ?? ({} as S));
  }

  /** Key for per-resource bookkeeping (retry gate, poll schedule): `<kind>/<name>`. */
  protected get key(): string {
    return `${this.kind}/${this.obj.metadata.name ?? ''}`;
  }

  protected get atProvider(): A {
    return (this.status.atProvider ??= {} as A);
  }

  /**
   * Writes the accumulated status (only what changed) with fresh conditions. `keepSynced` leaves
   * Synced as it is: a waiting state must not replace the failure it waits to retry.
   */
  protected async commit(
    ready: ReadyState | undefined,
    syncedError?: string,
    opts: { keepSynced?: boolean } = {},
  ): Promise<void> {
    const gen = this.obj.metadata.generation;
    let conditions = this.status.conditions;
    if (ready) conditions = withReady(conditions, ready, gen, this.ctx.now());
    if (!opts.keepSynced)
      conditions = withSynced(
        conditions,
        syncedError === undefined ? {} : { error: syncedError },
        gen,
        this.ctx.now(),
      );
    this.status.conditions = conditions;
    if (gen !== undefined) this.status.observedGeneration = gen;
    this.obj = await writeStatus(this.resources, this.obj, this.status, this.signal);
    this.status = structuredClone(this.obj.status ?? ({} as S));
  }
}
