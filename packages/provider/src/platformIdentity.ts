import { ResourceClient, type KubeClient, type KubeObject, type Logger } from '@klutch/kube';
import type { PlatformIdentity } from './osbContext.js';

interface SelfSubjectReview extends KubeObject {
  status?: { userInfo?: { username?: string; uid?: string; groups?: string[] } };
}

/**
 * Asks the API server who the provider is (SelfSubjectReview) and which cluster this is (the UID
 * of kube-system), for the OSB originating identity and context. Both are best effort: a broker
 * gets a generic identity rather than no provisioning at all.
 */
export async function discoverPlatformIdentity(
  client: KubeClient,
  logger: Logger,
  signal?: AbortSignal,
): Promise<PlatformIdentity> {
  const identity: PlatformIdentity = { username: 'klutch-provider' };
  try {
    const reviews = new ResourceClient<SelfSubjectReview>(client, {
      group: 'authentication.k8s.io',
      version: 'v1',
      resource: 'selfsubjectreviews',
      namespaced: false,
    });
    const review = await reviews.create(
      { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} },
      { signal },
    );
    const info = review.status?.userInfo;
    if (info?.username) identity.username = info.username;
    if (info?.uid) identity.uid = info.uid;
    // Groups of a service account are generic (system:authenticated...) and only add noise.
  } catch (err) {
    logger.warn({ err }, 'cannot determine the provider identity; brokers see "klutch-provider"');
  }
  try {
    const namespaces = new ResourceClient(client, {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      namespaced: false,
    });
    const ns = await namespaces.get('kube-system', { signal });
    if (ns.metadata.uid) identity.clusterId = ns.metadata.uid;
  } catch (err) {
    logger.warn({ err }, 'cannot read the kube-system namespace; brokers get no clusterid');
  }
  return identity;
}
