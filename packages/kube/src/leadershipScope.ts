import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The leadership term the current asynchronous work runs under. The leader elector starts its
 * callback inside a scope; everything that callback starts (controllers, their workers and
 * reconciles, timers, informers and clients built during the term) inherits it, and every
 * KubeClient consults it for each request. This is how the leadership signal reaches every
 * write of a controller, including writes through clients the runtime never sees being built
 * (the konnector's provider-side clients), without threading a signal through each call site
 * that might forget it.
 */
const leadershipTerm = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` (and whatever it starts) under the leadership term that ends when `leadership` aborts. */
export function runUnderLeadership<T>(leadership: AbortSignal, fn: () => T): T {
  return leadershipTerm.run(leadership, fn);
}

/** The leadership term of the calling code, or undefined outside leader-elected work. */
export function currentLeadership(): AbortSignal | undefined {
  return leadershipTerm.getStore();
}

/** A request refused because the leadership term it was made under has ended. */
export class LeadershipLostError extends Error {
  constructor(what: string, reason: unknown) {
    const why = reason instanceof Error ? reason.message : 'leadership ended';
    super(`${what} refused: this process no longer holds the lease (${why}); another replica may lead now`);
    this.name = 'LeadershipLostError';
  }
}
