import { isAlreadyExists, isForbidden, ResourceClient } from '@klutch/kube';
import type { KubeClient, Logger } from '@klutch/kube';

/**
 * Creates the namespace where the provider writes connection Secrets, unless it exists. Without
 * the right to create namespaces the controller still starts: the operator may have created it.
 */
export async function ensureNamespace(
  client: KubeClient,
  name: string,
  logger: Logger,
  signal?: AbortSignal,
): Promise<void> {
  const namespaces = new ResourceClient(client, {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    namespaced: false,
  });
  try {
    if (await namespaces.tryGet(name, { signal })) return;
    await namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { signal });
    logger.info({ namespace: name }, 'created the connection-secret namespace');
  } catch (err) {
    if (isAlreadyExists(err)) return;
    if (isForbidden(err)) {
      logger.warn(
        { namespace: name },
        'not allowed to read or create the connection-secret namespace; assuming it exists',
      );
      return;
    }
    throw err;
  }
}
