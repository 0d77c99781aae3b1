import type { InformerHandlers } from '../informer.js';
import type { KubeObject } from '../kubeObject.js';
import { objectKey } from '../kubeObject.js';

/**
 * Records informer events and checks, as they arrive, that they form valid
 * lifecycles: no add for a key that is present, no update or delete for a key
 * that is absent, no update that repeats a resourceVersion. `state` is what a
 * handler that trusted the events would believe.
 */
export class EventRecorder<T extends KubeObject> implements InformerHandlers<T> {
  readonly state = new Map<string, T>();
  readonly violations: string[] = [];
  counts = { add: 0, update: 0, delete: 0 };

  onAdd = (obj: T): void => {
    this.counts.add++;
    const k = objectKey(obj);
    if (this.state.has(k)) this.violations.push(`duplicate add of ${k}`);
    this.state.set(k, obj);
  };

  onUpdate = (oldObj: T, newObj: T): void => {
    this.counts.update++;
    const k = objectKey(newObj);
    const cur = this.state.get(k);
    if (!cur) this.violations.push(`update of absent ${k}`);
    else if (cur.metadata.resourceVersion !== oldObj.metadata.resourceVersion)
      this.violations.push(`update of ${k} from an unseen version`);
    if (oldObj.metadata.resourceVersion === newObj.metadata.resourceVersion)
      this.violations.push(`duplicate update of ${k} at ${newObj.metadata.resourceVersion}`);
    this.state.set(k, newObj);
  };

  onDelete = (obj: T): void => {
    this.counts.delete++;
    const k = objectKey(obj);
    if (!this.state.has(k)) this.violations.push(`delete of absent ${k}`);
    this.state.delete(k);
  };

  /** key → resourceVersion, for comparison with a fresh list from the server. */
  versions(): Map<string, string | undefined> {
    return new Map([...this.state].map(([k, v]) => [k, v.metadata.resourceVersion]));
  }
}
