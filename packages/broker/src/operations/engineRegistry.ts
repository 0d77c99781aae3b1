import type { EngineKind } from '../catalog/engineOfferings.js';
import type { DataServiceEngine, EngineInstance } from '../engines/dataServiceEngine.js';
import { instanceResourceNames } from '../engines/resourceNames.js';
import { listBindings } from '../state/bindingRepository.js';
import type { InstanceRecord, Queryable } from '../state/stateRecords.js';

/** The engines this broker reached at start, and why the others are missing. */
export class EngineRegistry {
  constructor(
    private readonly engines: ReadonlyMap<EngineKind, DataServiceEngine>,
    private readonly unavailable: ReadonlyMap<EngineKind, string>,
  ) {}

  get(kind: EngineKind): DataServiceEngine {
    const engine = this.engines.get(kind);
    if (engine) return engine;
    throw new Error(
      `the ${kind} server is not available to this broker (${this.unavailable.get(kind) ?? 'not configured'}); ` +
        'fix its admin URL and restart the broker',
    );
  }

  all(): DataServiceEngine[] {
    return [...this.engines.values()];
  }

  /** Why each engine this broker knows but cannot use is missing, by engine (= serviceInstanceType). */
  unavailableReasons(): Record<string, string> {
    return Object.fromEntries(this.unavailable);
  }
}

/** The engine's view of a stored instance, optionally with another plan and parameters (an update's target). */
export async function loadEngineInstance(
  db: Queryable,
  instance: InstanceRecord,
  target?: { planName: string; parameters: Record<string, unknown> },
): Promise<EngineInstance> {
  const bindings = await listBindings(db, instance.id);
  return {
    instanceId: instance.id,
    names: instanceResourceNames(instance.id),
    planName: target?.planName ?? instance.planName,
    parameters: target?.parameters ?? instance.parameters,
    bindingUsernames: bindings.map((b) => b.username),
  };
}
