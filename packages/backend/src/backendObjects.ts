import type {
  APIServiceExport,
  APIServiceExportRequest,
  APIServiceExportTemplate,
  APIServiceNamespace,
  ClusterBinding,
} from '@klutch/api';
import type { KubeObject } from '@klutch/kube';

/**
 * A kind from @klutch/api in the shape the runtime's clients and informers work with (the API
 * package declares its objects without the runtime's open index signature).
 */
export type Resource<T extends { spec: unknown; status?: unknown }> = KubeObject & {
  spec: T['spec'];
  status?: T['status'];
};

export type ExportObject = Resource<APIServiceExport>;
export type ExportRequestObject = Resource<APIServiceExportRequest>;
export type ExportTemplateObject = Resource<APIServiceExportTemplate>;
export type ServiceNamespaceObject = Resource<APIServiceNamespace>;
export type ClusterBindingObject = Resource<ClusterBinding>;

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: Record<string, unknown>; scale?: Record<string, unknown> };
  additionalPrinterColumns?: Array<Record<string, unknown>>;
}

export interface CrdObject extends KubeObject {
  spec: {
    group: string;
    names: {
      plural: string;
      singular?: string;
      shortNames?: string[];
      kind: string;
      listKind?: string;
      categories?: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
    conversion?: { strategy?: 'None' | 'Webhook' };
  };
}

export interface NamespaceObject extends KubeObject {
  status?: { phase?: string };
}

export interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export interface ConfigMapObject extends KubeObject {
  data?: Record<string, string>;
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface ClusterRoleObject extends KubeObject {
  rules?: PolicyRule[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface RoleBindingObject extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

export interface TokenRequestObject extends KubeObject {
  spec: { expirationSeconds?: number; audiences?: string[] };
  status?: { token: string; expirationTimestamp: string };
}

export interface AdmissionPolicyObject extends KubeObject {
  spec: Record<string, unknown>;
  status?: { observedGeneration?: number; typeChecking?: { expressionWarnings?: unknown[] } };
}

export interface AdmissionPolicyBindingObject extends KubeObject {
  spec: { policyName: string; validationActions: string[] };
}
