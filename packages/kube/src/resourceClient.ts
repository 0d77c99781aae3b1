import type { KubeClient, Query, WatchEvent } from './kubeClient.js';
import { isNotFound } from './kubeApiError.js';
import type { GroupVersionResource, KubeList, KubeObject } from './kubeObject.js';

export interface ResourceScope extends GroupVersionResource {
  namespaced: boolean;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  /**
   * Ask for PartialObjectMetadata: the server sends only each object's metadata (no spec,
   * data or status), which is all a cache that only triggers work needs.
   */
  metadataOnly?: boolean;
  signal?: AbortSignal;
}

/** Media types of the server-side metadata-only projection (as client-go's metadata client). */
const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

export interface WriteOptions {
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
  signal?: AbortSignal;
}

export interface ApplyOptions extends WriteOptions {
  /** Required for server-side apply: who owns the fields being applied. */
  fieldManager: string;
  /** Take ownership of fields another manager owns instead of failing with a conflict. */
  force?: boolean;
  subresource?: 'status';
}

export interface DeleteOptions {
  namespace?: string;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /** Delete only if the object still has this UID / resourceVersion. */
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  signal?: AbortSignal;
}

export type PatchType = 'merge' | 'json' | 'strategic';

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/** CRUD, patch, server-side apply and watch for one resource type. */
export class ResourceClient<T extends KubeObject = KubeObject> {
  constructor(
    readonly client: KubeClient,
    readonly scope: ResourceScope,
  ) {}

  /** The REST path; `namespace` is ignored for cluster-scoped resources. */
  path(namespace?: string, name?: string, subresource?: string): string {
    const { group, version, resource, namespaced } = this.scope;
    let p = group ? `/apis/${group}/${version}` : `/api/${version}`;
    if (namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${resource}`;
    if (name !== undefined) {
      if (!name) throw new Error(`empty name for ${resource}`);
      p += `/${encodeURIComponent(name)}`;
    }
    if (subresource) p += `/${subresource}`;
    return p;
  }

  private nsFor(obj: KubeObject | undefined, namespace: string | undefined): string | undefined {
    if (!this.scope.namespaced) return undefined;
    const ns = namespace ?? obj?.metadata.namespace;
    if (!ns) throw new Error(`${this.scope.resource} is namespaced: a namespace is required`);
    return ns;
  }

  private nameOf(obj: KubeObject): string {
    const name = obj.metadata.name;
    if (!name) throw new Error(`${this.scope.resource}: metadata.name is required`);
    return name;
  }

  get(name: string, opts: { namespace?: string; signal?: AbortSignal } = {}): Promise<T> {
    return this.client.request<T>({
      method: 'GET',
      path: this.path(this.nsFor(undefined, opts.namespace), name),
      signal: opts.signal,
    });
  }

  /** Like get(), but undefined instead of a 404 error. */
  async tryGet(
    name: string,
    opts: { namespace?: string; signal?: AbortSignal } = {},
  ): Promise<T | undefined> {
    try {
      return await this.get(name, opts);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** One page; without a namespace, lists across all namespaces. */
  list(opts: ListOptions = {}): Promise<KubeList<T>> {
    const query: Query = {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      limit: opts.limit,
      continue: opts.continue,
      resourceVersion: opts.resourceVersion,
    };
    return this.client.request<KubeList<T>>({
      method: 'GET',
      path: this.path(opts.namespace),
      query,
      ...(opts.metadataOnly ? { accept: METADATA_LIST_ACCEPT } : {}),
      signal: opts.signal,
    });
  }

  /** Every page of a list, consistent at the resourceVersion of the first page. */
  async listAll(opts: Omit<ListOptions, 'continue'> = {}): Promise<KubeList<T>> {
    const limit = opts.limit ?? 500;
    const first = await this.list({ ...opts, limit });
    const items = [...first.items];
    let next = first.metadata.continue;
    while (next) {
      const page = await this.list({ ...opts, limit, continue: next, resourceVersion: undefined });
      items.push(...page.items);
      next = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  private writeQuery(opts: WriteOptions): Query {
    return { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager };
  }

  create(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.client.request<T>({
      method: 'POST',
      path: this.path(this.nsFor(obj, opts.namespace)),
      query: this.writeQuery(opts),
      body: obj,
      signal: opts.signal,
    });
  }

  /** PUT: fails with a 409 conflict when metadata.resourceVersion is stale. */
  update(obj: T, opts: WriteOptions & { subresource?: 'status' } = {}): Promise<T> {
    return this.client.request<T>({
      method: 'PUT',
      path: this.path(this.nsFor(obj, opts.namespace), this.nameOf(obj), opts.subresource),
      query: this.writeQuery(opts),
      body: obj,
      signal: opts.signal,
    });
  }

  patch(
    name: string,
    patch: unknown,
    type: PatchType,
    opts: WriteOptions & { subresource?: 'status' } = {},
  ): Promise<T> {
    return this.client.request<T>({
      method: 'PATCH',
      path: this.path(this.nsFor(undefined, opts.namespace), name, opts.subresource),
      query: this.writeQuery(opts),
      body: patch,
      contentType: PATCH_CONTENT_TYPE[type],
      signal: opts.signal,
    });
  }

  /**
   * Server-side apply: the fields in `obj` become owned by `fieldManager`;
   * fields it owned before and left out are removed. Without `force`, a field
   * owned by another manager with a different value fails with 409 Conflict.
   */
  apply(obj: T, opts: ApplyOptions): Promise<T> {
    if (!obj.apiVersion || !obj.kind)
      throw new Error('server-side apply needs apiVersion and kind on the object');
    return this.client.request<T>({
      method: 'PATCH',
      path: this.path(this.nsFor(obj, opts.namespace), this.nameOf(obj), opts.subresource),
      query: {
        ...this.writeQuery(opts),
        fieldManager: opts.fieldManager,
        force: opts.force ? true : undefined,
      },
      body: obj,
      contentType: 'application/apply-patch+yaml',
      signal: opts.signal,
    });
  }

  async delete(name: string, opts: DeleteOptions = {}): Promise<void> {
    const hasBody = opts.propagationPolicy || opts.preconditions || opts.gracePeriodSeconds !== undefined;
    await this.client.request({
      method: 'DELETE',
      path: this.path(this.nsFor(undefined, opts.namespace), name),
      body: hasBody
        ? {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            propagationPolicy: opts.propagationPolicy,
            preconditions: opts.preconditions,
            gracePeriodSeconds: opts.gracePeriodSeconds,
          }
        : undefined,
      signal: opts.signal,
    });
  }

  /** Deletes and reports whether the object existed. */
  async tryDelete(name: string, opts: DeleteOptions = {}): Promise<boolean> {
    try {
      await this.delete(name, opts);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  watch(opts: {
    namespace?: string;
    resourceVersion?: string;
    labelSelector?: string;
    fieldSelector?: string;
    timeoutSeconds?: number;
    /** Events carry PartialObjectMetadata (see ListOptions.metadataOnly). */
    metadataOnly?: boolean;
    signal?: AbortSignal;
    idleTimeoutMs?: number;
  }): AsyncGenerator<WatchEvent<T>> {
    return this.client.watch<T>({
      path: this.path(opts.namespace),
      query: {
        watch: 1,
        allowWatchBookmarks: true,
        resourceVersion: opts.resourceVersion,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        timeoutSeconds: opts.timeoutSeconds,
      },
      ...(opts.metadataOnly ? { accept: METADATA_ACCEPT } : {}),
      signal: opts.signal,
      idleTimeoutMs: opts.idleTimeoutMs,
    });
  }
}
