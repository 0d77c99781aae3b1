import { Discovery } from './discovery.js';
import type { KubeClient } from './kubeClient.js';
import type { GroupVersionKind, GroupVersionResource, KubeObject } from './kubeObject.js';
import { parseApiVersion } from './kubeObject.js';
import { ResourceClient, type ApplyOptions } from './resourceClient.js';

/**
 * Resource clients for any group/version/resource or kind, resolved through
 * discovery (refreshed on a miss, so CRDs installed at runtime are found).
 */
export class DynamicClient {
  readonly discovery: Discovery;

  constructor(readonly client: KubeClient) {
    this.discovery = new Discovery(client);
  }

  async resource<T extends KubeObject = KubeObject>(gvr: GroupVersionResource): Promise<ResourceClient<T>> {
    const info = await this.discovery.forResource(gvr);
    return new ResourceClient<T>(this.client, info);
  }

  async kind<T extends KubeObject = KubeObject>(gvk: GroupVersionKind): Promise<ResourceClient<T>> {
    const info = await this.discovery.forKind(gvk);
    return new ResourceClient<T>(this.client, info);
  }

  async forObject<T extends KubeObject = KubeObject>(obj: T): Promise<ResourceClient<T>> {
    if (!obj.apiVersion || !obj.kind) throw new Error('object needs apiVersion and kind');
    return this.kind<T>({ ...parseApiVersion(obj.apiVersion), kind: obj.kind });
  }

  /** Server-side apply of any object. */
  async apply<T extends KubeObject = KubeObject>(obj: T, opts: ApplyOptions): Promise<T> {
    return (await this.forObject(obj)).apply(obj, opts);
  }
}
