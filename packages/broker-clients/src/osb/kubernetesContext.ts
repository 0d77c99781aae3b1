/** The OSB "kubernetes" context profile, sent with provision, update and bind. */
export interface KubernetesContext extends Record<string, unknown> {
  platform: 'kubernetes';
  namespace: string;
  clusterid: string;
  instance_name: string;
  namespaceAnnotations?: Record<string, string>;
  instance_annotations?: Record<string, string>;
}

export interface KubernetesContextInput {
  namespace: string;
  /** A stable identifier of the platform's cluster (e.g. the kube-system namespace UID). */
  clusterId: string;
  /** The name of the Kubernetes object the instance belongs to. */
  instanceName: string;
  namespaceAnnotations?: Record<string, string>;
  instanceAnnotations?: Record<string, string>;
}

export function kubernetesContext(input: KubernetesContextInput): KubernetesContext {
  return {
    platform: 'kubernetes',
    namespace: input.namespace,
    clusterid: input.clusterId,
    instance_name: input.instanceName,
    ...(input.namespaceAnnotations !== undefined ? { namespaceAnnotations: input.namespaceAnnotations } : {}),
    ...(input.instanceAnnotations !== undefined ? { instance_annotations: input.instanceAnnotations } : {}),
  };
}
