import { KubeApiError, KubeClient, loadRemoteKubeConfig } from '@klutch/kube';
import type { KubeObject } from '@klutch/kube';

/** One permission the konnector needs in the app cluster. */
export interface AppClusterPermission {
  group: string;
  resource: string;
  verbs: string[];
  /** Restricts get/update/patch/delete (create, list and watch cannot be restricted by name). */
  resourceNames?: string[];
}

const readWrite = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * What a konnector in control-plane mode does in the app cluster, for the given bound APIs and
 * claimed resources: install and update the bound CRDs, list/watch namespaces, sync the bound
 * objects (and their status) and the claimed objects, and report Events on app objects. Leases are
 * included so the same service account can also run a konnector in the app cluster.
 */
export function appClusterPermissions(
  apis: ReadonlyArray<{ group: string; resource: string }>,
  claimed: ReadonlyArray<{ group: string; resource: string }>,
): AppClusterPermission[] {
  const crdNames = apis.map((a) => (a.group ? `${a.resource}.${a.group}` : a.resource));
  const out: AppClusterPermission[] = [
    {
      group: 'apiextensions.k8s.io',
      resource: 'customresourcedefinitions',
      verbs: ['list', 'watch', 'create'],
    },
    {
      group: 'apiextensions.k8s.io',
      resource: 'customresourcedefinitions',
      verbs: ['get', 'update', 'patch'],
      resourceNames: crdNames,
    },
    { group: '', resource: 'namespaces', verbs: ['get', 'list', 'watch'] },
    { group: '', resource: 'events', verbs: ['create', 'patch'] },
    { group: 'coordination.k8s.io', resource: 'leases', verbs: readWrite },
  ];
  for (const a of apis) {
    out.push({ group: a.group, resource: a.resource, verbs: readWrite });
    out.push({ group: a.group, resource: `${a.resource}/status`, verbs: ['get', 'update', 'patch'] });
  }
  const seen = new Set<string>();
  for (const c of claimed) {
    const k = `${c.group}/${c.resource}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ group: c.group, resource: c.resource, verbs: readWrite });
  }
  return out;
}

/** The least-privilege ClusterRole for the app cluster's service account (one rule per permission). */
export function appClusterClusterRole(
  name: string,
  permissions: readonly AppClusterPermission[],
): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules: permissions.map((p) => ({
      apiGroups: [p.group],
      resources: [p.resource],
      ...(p.resourceNames ? { resourceNames: p.resourceNames } : {}),
      verbs: p.verbs,
    })),
  };
}

export type AppClusterAccess = { ok: true } | { ok: false; reason: string; message: string };

/**
 * Checks from the control plane that the app cluster answers and that the kubeconfig's identity
 * has every permission the konnector needs there (SelfSubjectAccessReviews). The reasons name the
 * troubleshooting case: AppClusterUnreachable, AppClusterUnauthorized, InsufficientPermissions.
 */
export async function checkAppClusterAccess(
  kubeconfig: string,
  permissions: readonly AppClusterPermission[],
  signal?: AbortSignal,
  timeoutMs = 5_000,
): Promise<AppClusterAccess> {
  const client = new KubeClient(loadRemoteKubeConfig(kubeconfig), {
    userAgent: 'klutch-backend',
    connections: 4,
  });
  const server = client.server;
  try {
    const reviews: Array<{ label: string; attributes: Record<string, string> }> = [];
    for (const p of permissions) {
      const [resource = '', subresource] = p.resource.split('/');
      for (const verb of p.verbs) {
        const byName = verb === 'get' || verb === 'update' || verb === 'patch' || verb === 'delete';
        for (const name of byName && p.resourceNames ? p.resourceNames : ['']) {
          reviews.push({
            label: `${verb} ${p.resource}${p.group ? `.${p.group}` : ''}${name ? ` ${name}` : ''}`,
            attributes: {
              group: p.group,
              resource,
              ...(subresource ? { subresource } : {}),
              verb,
              ...(name ? { name } : {}),
            },
          });
        }
      }
    }
    const answers = await Promise.all(
      reviews.map((r) =>
        client.request<{ status?: { allowed?: boolean } }>({
          method: 'POST',
          path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: r.attributes },
          },
          timeoutMs,
          ...(signal ? { signal } : {}),
        }),
      ),
    );
    const missing = reviews.filter((_r, i) => answers[i]?.status?.allowed !== true).map((r) => r.label);
    if (missing.length > 0)
      return {
        ok: false,
        reason: 'InsufficientPermissions',
        message: `The app cluster's service account lacks permissions the konnector needs: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}. Bind it to the ClusterRole of docs/control-plane-mode.md (or cluster-admin).`,
      };
    return { ok: true };
  } catch (err) {
    if (signal?.aborted) throw err;
    if (err instanceof KubeApiError && err.status === 401)
      return {
        ok: false,
        reason: 'AppClusterUnauthorized',
        message: `The app cluster at ${server} rejected the kubeconfig's credentials (401). Store a valid, unexpired token in the kubeconfig secret.`,
      };
    if (err instanceof KubeApiError && err.status === 403)
      return {
        ok: false,
        reason: 'InsufficientPermissions',
        message: `The app cluster at ${server} refused access reviews (403): ${err.message}. Bind the service account to the ClusterRole of docs/control-plane-mode.md (or cluster-admin).`,
      };
    return {
      ok: false,
      reason: 'AppClusterUnreachable',
      message: `Cannot reach the app cluster at ${server}: ${err instanceof Error ? err.message : String(err)}. Check the server address and CA in the kubeconfig and the network path from the control plane.`,
    };
  } finally {
    await client.close(0);
  }
}
