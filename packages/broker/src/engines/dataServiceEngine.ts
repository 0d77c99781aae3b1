import type { Readable } from 'node:stream';
import type { EngineKind } from '../catalog/engineOfferings.js';
import type { InstanceResourceNames } from './resourceNames.js';

/** An instance as an engine sees it: names, plan, applied parameters and its binding users. */
export interface EngineInstance {
  instanceId: string;
  names: InstanceResourceNames;
  planName: string;
  parameters: Record<string, unknown>;
  /** Users of the instance's bindings; their privileges follow the instance's parameters. */
  bindingUsernames: readonly string[];
}

export interface BindingAccount {
  username: string;
  password: string;
}

/** What a bind returns to the platform (and what the provider flattens into a Secret). */
export type BindingCredentials = Record<string, string | number>;

/**
 * One database server. Every method is idempotent, because operations are re-run from the start
 * after a broker restart and bindings are re-created when a platform repeats a request.
 */
export interface DataServiceEngine {
  readonly kind: EngineKind;
  readonly serverVersion: string;
  /** Creates what is missing and makes settings and binding privileges match the instance. */
  ensureInstance(instance: EngineInstance): Promise<void>;
  /** Removes the databases and every user of the instance, including users the state forgot. */
  removeInstance(instance: EngineInstance): Promise<void>;
  ensureBindingUser(instance: EngineInstance, account: BindingAccount): Promise<void>;
  /** Ends the user's sessions and drops it; objects it owned stay usable by the other bindings. */
  removeBindingUser(instance: EngineInstance, username: string): Promise<void>;
  credentials(instance: EngineInstance, account: BindingAccount): BindingCredentials;
  /** Streams a logical dump of the instance to `consume`. */
  dump(
    instance: EngineInstance,
    consume: (dump: Readable) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void>;
  /** Replaces the instance's data with the (plaintext) dump file. */
  restore(instance: EngineInstance, dumpFile: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
