import type { AcceptablePermissionClaim, PermissionClaim } from '@klutch/api';
import type { Condition, KubeObject } from '@klutch/kube';

/** The shapes the konnector reads and writes; unknown fields pass through untouched. */
export interface BindingObject extends KubeObject {
  spec: {
    kubeconfigSecretRef: { name: string; namespace: string; key: string };
    permissionClaims?: AcceptablePermissionClaim[];
  };
  status?: { providerPrettyName?: string; conditions?: Condition[] };
}

export interface ExportVersion {
  name: string;
  served?: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: unknown };
  subresources?: { status?: unknown; scale?: unknown };
  additionalPrinterColumns?: unknown[];
}

export interface ExportObject extends KubeObject {
  spec: {
    group: string;
    names: {
      kind: string;
      plural: string;
      singular?: string;
      listKind?: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Cluster' | 'Namespaced';
    versions: ExportVersion[];
    permissionClaims?: PermissionClaim[];
    informerScope: 'Cluster' | 'Namespaced';
    clusterScopedIsolation?: 'Prefixed' | 'Namespaced' | 'None';
  };
  status?: {
    acceptedNames?: unknown;
    storedVersions?: string[];
    conditions?: Condition[];
  };
}

export interface ServiceNamespaceObject extends KubeObject {
  spec?: Record<string, never>;
  status?: { namespace?: string };
}

export interface ClusterBindingObject extends KubeObject {
  spec: {
    kubeconfigSecretRef: { name: string; key: string };
    providerPrettyName: string;
  };
  status?: {
    lastHeartbeatTime?: string;
    heartbeatInterval?: string;
    konnectorVersion?: string;
    conditions?: Condition[];
  };
}

export interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export interface CrdCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface CrdObject extends KubeObject {
  spec: {
    group: string;
    names: ExportObject['spec']['names'];
    scope: 'Cluster' | 'Namespaced';
    versions: Array<Omit<ExportVersion, 'served'> & { served: boolean }>;
    conversion?: unknown;
  };
  status?: { conditions?: CrdCondition[]; acceptedNames?: unknown; storedVersions?: string[] };
}

/** `namespace/name` of the kubeconfig Secret a binding names. */
export function kubeconfigSecretKey(b: BindingObject): string {
  const ref = b.spec.kubeconfigSecretRef;
  return `${ref.namespace}/${ref.name}`;
}
