import { isNotFound } from '@klutch/kube';
import type { Informer, KubeObject, ReconcileContext, ResourceClient } from '@klutch/kube';
import type { ServiceNamespaceObject } from './konnectorObjects.js';

/**
 * Keyed by consumer namespace: once the app-cluster namespace is gone, its APIServiceNamespace is
 * deleted, and the backend then deletes the service namespace with everything in it.
 */
export function createNamespaceDeletionReconciler(d: {
  providerNamespace: string;
  serviceNamespaces: Informer<ServiceNamespaceObject>;
  serviceNamespaceClient: ResourceClient<ServiceNamespaceObject>;
  appNamespaces: Informer;
  appNamespaceClient: ResourceClient<KubeObject>;
}) {
  return async (key: string, { signal, logger }: ReconcileContext): Promise<void> => {
    const sn = d.serviceNamespaces.get(`${d.providerNamespace}/${key}`);
    if (!sn) return;
    if (d.appNamespaces.get(key)) return;
    if (await d.appNamespaceClient.tryGet(key, { signal })) return;
    try {
      await d.serviceNamespaceClient.delete(key, {
        namespace: d.providerNamespace,
        preconditions: { uid: sn.metadata.uid },
        signal,
      });
      logger.info({ namespace: key }, 'app namespace is gone; deleted its APIServiceNamespace');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };
}
