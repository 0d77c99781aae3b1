import { appClusterBindingFinalizer, clusterBindingName } from '@klutch/api';
import {
  addFinalizer,
  conditionsEqualIgnoringTime,
  isNotFound,
  markFalse,
  removeFinalizer,
  ResourceClient,
  setSummary,
} from '@klutch/kube';
import type { EventRecorder, Informer, InformerSet, KubeClient, KubeObject, Reconciler } from '@klutch/kube';
import { appClusterPermissions, checkAppClusterAccess } from '../appClusterAccess.js';
import type { AppClusterAccess, AppClusterPermission } from '../appClusterAccess.js';
import {
  appClusterBindingConditions,
  appClusterBindingNames,
  checkAppClusterKubeconfigSecret,
  connectorRole,
  connectorRoleBinding,
  desiredApiServiceBinding,
  desiredExportRequest,
  desiredKonnectorDeployment,
  resolveApis,
} from '../appClusterBindingPlan.js';
import type {
  AppClusterBindingNames,
  AppClusterBindingObject,
  AppClusterBindingObservation,
} from '../appClusterBindingPlan.js';
import type { BackendClients } from '../backendClients.js';
import type { TemplateLister } from '../exportTemplates.js';
import type { ExportObject, ExportRequestObject, NamespaceObject, SecretObject } from '../backendObjects.js';
import { binderServiceAccountName, kubeconfigSecretKey, resourceObjectName } from '../names.js';

const fieldManager = 'klutch-backend-appclusterbinding';

export type ConditionedObject = KubeObject & {
  status?: { conditions?: Array<{ type: string; status: string; message?: string }> };
};

/** The clients only this controller needs. */
export function appClusterBindingClients(client: KubeClient) {
  const klutch = <T extends KubeObject>(resource: string) =>
    new ResourceClient<T>(client, {
      group: 'klutch.anynines.com',
      version: 'v1alpha1',
      resource,
      namespaced: true,
    });
  return {
    appClusterBindings: klutch<AppClusterBindingObject>('appclusterbindings'),
    apiServiceBindings: klutch<ConditionedObject>('apiservicebindings'),
    deployments: new ResourceClient<KubeObject>(client, {
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      namespaced: true,
    }),
    roles: new ResourceClient<KubeObject>(client, {
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      resource: 'roles',
      namespaced: true,
    }),
  };
}

export interface AppClusterBindingReconcilerDeps {
  clients: BackendClients;
  acbClients: ReturnType<typeof appClusterBindingClients>;
  appClusterBindings: Informer<AppClusterBindingObject>;
  /** The referenced kubeconfig Secrets, one informer each. */
  secrets: InformerSet<SecretObject>;
  /** The export templates of both API groups (exportTemplateSet). */
  templates: TemplateLister;
  exports: Informer<ExportObject>;
  requests: Informer<ExportRequestObject>;
  /** APIServiceBindings created for AppClusterBindings (label-selected). */
  apiServiceBindings: Informer<ConditionedObject>;
  namespaces: Informer<NamespaceObject>;
  events: EventRecorder;
  konnectorImage: string;
  /** How often the app cluster's reachability and permissions are checked again (default 5 min). */
  accessCheckIntervalMs?: number;
  /** Replaceable for unit tests of the reconciler's wiring; the default asks the app cluster. */
  checkAccess?: (
    kubeconfig: string,
    permissions: AppClusterPermission[],
    signal: AbortSignal,
  ) => Promise<AppClusterAccess>;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/**
 * AppClusterBinding → everything control-plane mode needs in `klutch-bind-<ns>-<name>` (reference
 * 2.10): the namespace, its service account, the mirrored kubeconfig Secret, the ClusterBinding,
 * the konnector's Role, one APIServiceBinding per API (with the template's claims), the export
 * requests and the konnector Deployment. The regular controllers then treat the root namespace as
 * a provider namespace. Deleting the AppClusterBinding removes all of it (finalizer).
 */
export function createAppClusterBindingReconciler(deps: AppClusterBindingReconcilerDeps): Reconciler {
  const { clients, acbClients } = deps;
  const checkAccess = deps.checkAccess ?? ((kc, perms, signal) => checkAppClusterAccess(kc, perms, signal));
  const interval = deps.accessCheckIntervalMs ?? 5 * 60_000;
  /** Last access check per AppClusterBinding: reused while the kubeconfig and the APIs are the same. */
  const lastAccess = new Map<string, { input: string; at: number; result: AppClusterAccess }>();

  return async (key, { signal, logger }) => {
    const acb = deps.appClusterBindings.get(key);
    if (!acb) {
      lastAccess.delete(key);
      return;
    }
    const ns = acb.metadata.namespace ?? '';
    const name = acb.metadata.name ?? '';
    const names = appClusterBindingNames(ns, name);

    if (acb.metadata.deletionTimestamp) return cleanUp(acb, names);
    if (!acb.metadata.finalizers?.includes(appClusterBindingFinalizer)) {
      await addFinalizer(acbClients.appClusterBindings, acb, appClusterBindingFinalizer, signal);
      return;
    }

    const ref = acb.spec.kubeconfigSecretRef;
    const secretKey = `${ref.namespace}/${ref.name}`;
    if (!deps.secrets.hasSyncedFor(secretKey)) return { requeueAfterMs: 200 };
    const check = checkAppClusterKubeconfigSecret(deps.secrets.get(secretKey), ref);
    const obs: AppClusterBindingObservation = { secret: check };
    let requeueAfterMs: number | undefined;
    if (check.valid) {
      const meta = (
        kind: string,
        apiVersion: string,
        objName: string,
        extra: Record<string, unknown> = {},
      ) => ({
        apiVersion,
        kind,
        metadata: { name: objName, namespace: names.rootNamespace, labels: { ...names.labels } },
        ...extra,
      });
      const apply = (rc: ResourceClient<KubeObject>, obj: KubeObject) =>
        rc.apply(obj, { fieldManager, force: true, signal });
      await apply(clients.namespaces, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: names.rootNamespace, labels: { ...names.labels } },
      });
      await apply(clients.serviceAccounts, meta('ServiceAccount', 'v1', binderServiceAccountName));
      await apply(
        clients.secrets,
        meta('Secret', 'v1', ref.name, {
          type: 'Opaque',
          data: { [kubeconfigSecretKey]: Buffer.from(check.kubeconfig).toString('base64') },
        }),
      );
      await apply(
        clients.clusterBindings,
        meta('ClusterBinding', 'klutch.anynines.com/v1alpha1', clusterBindingName, {
          spec: {
            kubeconfigSecretRef: { name: ref.name, key: kubeconfigSecretKey },
            providerPrettyName: name,
          },
        }),
      );
      await apply(acbClients.roles, connectorRole(names));
      await apply(clients.roleBindings, connectorRoleBinding(names));

      const { apis, missing } = resolveApis(acb, deps.templates.list());
      obs.missingTemplates = missing;
      const wanted = new Set(apis.map((a) => a.name));
      for (const api of apis)
        await apply(acbClients.apiServiceBindings, desiredApiServiceBinding(names, ref.name, api));
      for (const b of deps.apiServiceBindings.list(names.rootNamespace))
        if (!wanted.has(b.metadata.name ?? '')) await tryDelete(acbClients.apiServiceBindings, b);

      const requests = deps.requests.list(names.rootNamespace);
      const requestFor = (r: ExportRequestObject) => {
        const first = r.spec.resources[0];
        return first ? resourceObjectName(first.group ?? '', first.resource) : '';
      };
      for (const api of apis) {
        const exported = deps.exports.get(`${names.rootNamespace}/${api.name}`);
        const pending = requests.some((r) => requestFor(r) === api.name);
        if (!exported && !pending)
          await apply(clients.exportRequests, desiredExportRequest(names, name, api));
      }
      for (const r of requests) if (!wanted.has(requestFor(r))) await tryDelete(clients.exportRequests, r);
      for (const e of deps.exports.list(names.rootNamespace))
        if (!wanted.has(e.metadata.name ?? '')) await tryDelete(clients.exports, e);

      if (acb.spec.konnector?.deploy) {
        try {
          await apply(acbClients.deployments, desiredKonnectorDeployment(acb, names, deps.konnectorImage));
          obs.konnector = { ok: true };
        } catch (err) {
          if (signal.aborted) throw err;
          obs.konnector = {
            ok: false,
            message: `Deployment ${names.rootNamespace}/${names.deployment} could not be applied: ${err instanceof Error ? err.message : String(err)}. Fix spec.konnector.overrides.`,
          };
        }
      } else {
        await acbClients.deployments.tryDelete(names.deployment, { namespace: names.rootNamespace, signal });
      }

      const claimed = apis.flatMap((a) =>
        ((a.template.spec.permissionClaims ?? []) as Array<{ group?: string; resource: string }>).map(
          (c) => ({
            group: c.group ?? '',
            resource: c.resource,
          }),
        ),
      );
      const perms = appClusterPermissions(apis, claimed);
      const input = JSON.stringify([check.kubeconfig, perms]);
      const prev = lastAccess.get(key);
      const now = Date.now();
      // A failure is checked again sooner: the fix (a RoleBinding in the app cluster, say) has no event here.
      // (Valid a little shorter than the requeue below, so the timed reconcile checks again.)
      const validFor = (prev?.result.ok ? interval : Math.min(interval, 30_000)) * 0.9;
      if (prev && prev.input === input && now - prev.at < validFor) obs.appCluster = prev.result;
      else {
        obs.appCluster = await checkAccess(check.kubeconfig, perms, signal);
        lastAccess.set(key, { input, at: now, result: obs.appCluster });
      }
      requeueAfterMs = obs.appCluster.ok ? interval : Math.min(interval, 30_000);

      for (const api of apis) {
        const b = deps.apiServiceBindings.get(`${names.rootNamespace}/${api.name}`);
        const ready = b?.status?.conditions?.find((c) => c.type === 'Ready');
        if (ready?.status === 'True') continue;
        obs.bindingProblem = ready
          ? `APIServiceBinding ${names.rootNamespace}/${api.name}: ${ready.message ?? 'not ready'}`
          : `APIServiceBinding ${names.rootNamespace}/${api.name} has no status yet: is the konnector ${names.rootNamespace}/${names.deployment} running?`;
        break;
      }
    }

    const before = acb.status?.conditions;
    const conditions = appClusterBindingConditions(before, obs);
    if (!conditionsEqualIgnoringTime(before, conditions)) {
      await acbClients.appClusterBindings.update(
        { ...acb, status: { ...(acb.status ?? {}), conditions } },
        { subresource: 'status', signal },
      );
      for (const c of conditions) {
        const old = before?.find((b) => b.type === c.type);
        if (
          c.type !== 'Ready' &&
          c.status === 'False' &&
          c.severity !== 'Info' &&
          (old?.status !== 'False' || old.reason !== c.reason)
        )
          await deps.events.warning(acb, c.reason ?? c.type, c.message ?? '');
      }
      logger.info(
        { ready: conditions.find((c) => c.type === 'Ready')?.status },
        'app cluster binding status updated',
      );
    }
    return requeueAfterMs !== undefined ? { requeueAfterMs } : undefined;

    async function tryDelete(rc: ResourceClient<KubeObject>, o: KubeObject): Promise<void> {
      try {
        await rc.delete(o.metadata.name ?? '', {
          namespace: o.metadata.namespace,
          preconditions: { uid: o.metadata.uid },
          signal,
        });
        logger.info(
          { kind: o.kind, name: keyOf(o) },
          'deleted object no longer wanted by the app cluster binding',
        );
      } catch (err) {
        if (!isNotFound(err) && (err as { status?: number }).status !== 409) throw err;
      }
    }

    async function cleanUp(obj: AppClusterBindingObject, n: AppClusterBindingNames) {
      if (!obj.metadata.finalizers?.includes(appClusterBindingFinalizer)) return;
      const waitingFor: string[] = [];
      const bindings = deps.apiServiceBindings
        .list()
        .filter((b) => Object.entries(n.labels).every(([k, v]) => b.metadata.labels?.[k] === v));
      for (const b of bindings) {
        if (!b.metadata.deletionTimestamp) await tryDelete(acbClients.apiServiceBindings, b);
        waitingFor.push(`APIServiceBinding ${keyOf(b)}`);
      }
      if (deps.namespaces.get(n.rootNamespace)) {
        await clients.namespaces.tryDelete(n.rootNamespace, { signal });
        waitingFor.push(`namespace ${n.rootNamespace}`);
      }
      if (waitingFor.length > 0) {
        const message = `Deleting: waiting for ${waitingFor.join(', ')} to be removed.`;
        const conditions = setSummary(
          markFalse(obj.status?.conditions, 'CleanedUp', 'Deleting', 'Info', message),
        );
        if (!conditionsEqualIgnoringTime(obj.status?.conditions, conditions)) {
          try {
            await acbClients.appClusterBindings.update(
              { ...obj, status: { ...(obj.status ?? {}), conditions } },
              { subresource: 'status', signal },
            );
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        }
        return { requeueAfterMs: 2_000 };
      }
      lastAccess.delete(key);
      await removeFinalizer(acbClients.appClusterBindings, obj, appClusterBindingFinalizer, signal);
      logger.info({ namespace: n.rootNamespace }, 'app cluster binding cleaned up');
      return undefined;
    }
  };
}
