import { apiServiceNamespaceAnnotation } from '@klutch/api';
import { isAlreadyExists, isNotFound, splitObjectKey } from '@klutch/kube';
import type { Informer, Reconciler } from '@klutch/kube';
import type { BackendClients } from '../backendClients.js';
import type { NamespaceObject, ServiceNamespaceObject } from '../backendObjects.js';
import { serviceNamespaceName, serviceNamespaceOwner } from '../names.js';
import { deleteIfPresent, ensureRoleBinding, patchStatus } from '../objectWrites.js';
import { serviceNamespaceRoleBinding } from '../rbacRules.js';

export interface ServiceNamespaceReconcilerDeps {
  clients: BackendClients;
  serviceNamespaces: Informer<ServiceNamespaceObject>;
  namespaces: Informer<NamespaceObject>;
}

/** The APIServiceNamespace key a service Namespace belongs to, from its annotation. */
export function serviceNamespaceKeyOf(ns: NamespaceObject): string | undefined {
  return ns.metadata.annotations?.[apiServiceNamespaceAnnotation];
}

/**
 * APIServiceNamespace → service namespace (reference 2.9 `servicenamespace`): the Namespace
 * `<providerNs>-<consumerNs>` (capped at 63 characters), the RoleBinding that lets the consumer use
 * its exported and claimed resources there (in both consumer scopes), and `status.namespace`.
 * Deleting the APIServiceNamespace deletes the service namespace and everything in it.
 */
export function createServiceNamespaceReconciler(deps: ServiceNamespaceReconcilerDeps): Reconciler {
  const { clients } = deps;
  return async (key, { signal, logger }) => {
    const { namespace: providerNs, name: consumerNs } = splitObjectKey(key);
    if (!providerNs) return;
    const owner = serviceNamespaceOwner(providerNs, consumerNs);
    const sn = deps.serviceNamespaces.get(key);

    if (!sn || sn.metadata.deletionTimestamp) {
      // Found through the annotation, so a capped name or one taken from status is found too.
      for (const ns of deps.namespaces.list()) {
        if (serviceNamespaceKeyOf(ns) !== owner || ns.metadata.deletionTimestamp) continue;
        if (await deleteIfPresent(clients.namespaces, ns.metadata.name ?? '', { signal })) {
          logger.info({ namespace: ns.metadata.name }, 'deleted service namespace');
        }
      }
      return;
    }

    const target = sn.status?.namespace || serviceNamespaceName(providerNs, consumerNs);
    let ns = deps.namespaces.get(target) ?? (await clients.namespaces.tryGet(target, { signal }));
    if (ns && serviceNamespaceKeyOf(ns) !== owner) {
      // Never take over a namespace that belongs to someone else: that would hand it to this consumer.
      logger.error(
        { namespace: target, owner: serviceNamespaceKeyOf(ns) },
        'the service namespace name is taken by a namespace that does not belong to this consumer namespace',
      );
      return { requeueAfterMs: 60_000 };
    }
    if (ns?.metadata.deletionTimestamp) {
      // A previous incarnation is still terminating; create it again once it is gone.
      return { requeueAfterMs: 2_000 };
    }
    if (!ns) {
      try {
        ns = await clients.namespaces.create(
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: target, annotations: { [apiServiceNamespaceAnnotation]: owner } },
          },
          { signal },
        );
        logger.info({ namespace: target }, 'created service namespace');
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        return { requeue: true };
      }
    }

    // In both consumer scopes: this is the only place where claimed resources are granted.
    await ensureRoleBinding(clients.roleBindings, serviceNamespaceRoleBinding(target, providerNs), signal);

    if (sn.status?.namespace !== target) {
      try {
        await patchStatus(clients.serviceNamespaces, sn, { ...sn.status, namespace: target }, signal);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  };
}
