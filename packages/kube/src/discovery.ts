import type { KubeClient } from './kubeClient.js';
import type { GroupVersionKind, GroupVersionResource } from './kubeObject.js';
import { apiVersionOf, parseApiVersion } from './kubeObject.js';

export interface ResourceInfo extends GroupVersionResource {
  kind: string;
  namespaced: boolean;
  verbs: string[];
  subresources: string[];
}

interface ApiResourceList {
  resources: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[] }>;
}

/**
 * Maps kinds to resources per group/version, asking the server lazily.
 * A miss triggers one refresh of that group/version, because CRDs can appear
 * at any time; a group/version that does not exist is not cached.
 */
export class Discovery {
  private readonly byGroupVersion = new Map<string, Promise<ResourceInfo[]>>();

  constructor(private readonly client: KubeClient) {}

  private load(group: string, version: string): Promise<ResourceInfo[]> {
    const gv = apiVersionOf({ group, version });
    let p = this.byGroupVersion.get(gv);
    if (!p) {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      p = this.client.request<ApiResourceList>({ method: 'GET', path }).then((list) => {
        const subresources = new Map<string, string[]>();
        for (const r of list.resources) {
          const [base, sub] = r.name.split('/');
          if (sub && base) subresources.set(base, [...(subresources.get(base) ?? []), sub]);
        }
        return list.resources
          .filter((r) => !r.name.includes('/'))
          .map((r) => ({
            group,
            version,
            resource: r.name,
            kind: r.kind,
            namespaced: r.namespaced,
            verbs: r.verbs,
            subresources: subresources.get(r.name) ?? [],
          }));
      });
      this.byGroupVersion.set(gv, p);
      p.catch(() => this.byGroupVersion.delete(gv));
    }
    return p;
  }

  private async find(
    group: string,
    version: string,
    match: (r: ResourceInfo) => boolean,
    what: string,
  ): Promise<ResourceInfo> {
    let found = (await this.load(group, version)).find(match);
    if (!found) {
      this.invalidate(group, version);
      found = (await this.load(group, version)).find(match);
    }
    if (!found)
      throw new Error(`the server has no resource for ${what} in ${apiVersionOf({ group, version })}`);
    return found;
  }

  forKind(gvk: GroupVersionKind): Promise<ResourceInfo> {
    return this.find(gvk.group, gvk.version, (r) => r.kind === gvk.kind, `kind ${gvk.kind}`);
  }

  forResource(gvr: GroupVersionResource): Promise<ResourceInfo> {
    return this.find(gvr.group, gvr.version, (r) => r.resource === gvr.resource, `resource ${gvr.resource}`);
  }

  /** Forgets cached resources: all, one group, or one group/version. */
  invalidate(group?: string, version?: string): void {
    for (const gv of [...this.byGroupVersion.keys()]) {
      const parsed = parseApiVersion(gv);
      if (
        group === undefined ||
        (parsed.group === group && (version === undefined || parsed.version === version))
      ) {
        this.byGroupVersion.delete(gv);
      }
    }
  }
}
