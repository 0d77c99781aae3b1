import { apiServiceNamespaceAnnotation, clusterNamespaceAnnotation, klutchGroup } from '@klutch/api';
import type { AdmissionPolicyBindingObject, AdmissionPolicyObject } from './backendObjects.js';
import { binderServiceAccountName } from './names.js';

/** Name of the ValidatingAdmissionPolicy (and its binding) that keeps consumer writes owner-only. */
export const consumerWritePolicyName = 'klutch-consumer-writes';

const admissionApiVersion = 'admissionregistration.k8s.io/v1';
const serviceAccountUserPrefix = 'system:serviceaccount:';
const partOfKlutch = { 'app.kubernetes.io/part-of': 'klutch' };

/** CEL string literal (single quotes; the keys and names used here contain no quote or backslash). */
function lit(s: string): string {
  if (/['\\]/.test(s)) throw new Error(`cannot embed ${JSON.stringify(s)} in CEL`);
  return `'${s}'`;
}

/** CEL: `o` (object or oldObject) is null or a cluster-scoped object this consumer owns. */
function ownsClusterScoped(o: 'object' | 'oldObject'): string {
  const annotations = `${o}.metadata.annotations`;
  const key = lit(clusterNamespaceAnnotation);
  return (
    `${o} == null || (${o}.metadata.name.startsWith(variables.providerNamespace + '-') && ` +
    `(!has(${annotations}) || !(${key} in ${annotations}) || ${annotations}[${key}] == variables.providerNamespace))`
  );
}

/**
 * Whether a request comes from a consumer's credentials: the ServiceAccount `klutch-binder` of a
 * provider namespace, the only identity the backend grants anything to. The backend itself, the
 * operator and other clients are not matched, so the policy never gets in their way.
 */
export const consumerRequestCondition =
  `request.userInfo.username.startsWith(${lit(serviceAccountUserPrefix)}) && ` +
  `request.userInfo.username.endsWith(${lit(`:${binderServiceAccountName}`)})`;

/**
 * The ValidatingAdmissionPolicy that makes every write of a consumer owner-only, whatever RBAC
 * grants it (consumer scope Cluster and cluster-scoped APIs are granted cluster-wide, because RBAC
 * cannot restrict by namespace annotation or name prefix):
 * - in a namespace: only in the consumer's own service namespaces (annotation
 *   `klutch.anynines.com/api-service-namespace: <providerNs>/<consumerNs>`), or klutch objects
 *   (requests, APIServiceNamespaces, status), Leases and Events in its own provider namespace;
 * - cluster-scoped: only objects named `<providerNs>-…` whose `klutch.anynines.com/cluster-namespace`
 *   annotation, when set, is `<providerNs>`, checked on the new object (create, update) and on the
 *   old one (update, delete), so an object can neither be taken over nor handed to another consumer.
 * The provider namespace is read from the requester's name `system:serviceaccount:<providerNs>:klutch-binder`.
 * Reviews (`authorization.k8s.io`, `authentication.k8s.io`, e.g. `kubectl auth can-i`) are exempt:
 * they are cluster-scoped creates without a name and change nothing.
 */
export function consumerWritePolicy(): AdmissionPolicyObject {
  const nsAnnotations = 'namespaceObject.metadata.annotations';
  const serviceKey = lit(apiServiceNamespaceAnnotation);
  return {
    apiVersion: admissionApiVersion,
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: consumerWritePolicyName, labels: partOfKlutch },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: ['*'],
            apiVersions: ['*'],
            operations: ['CREATE', 'UPDATE', 'DELETE'],
            resources: ['*/*'],
            scope: '*',
          },
        ],
        excludeResourceRules: [
          {
            apiGroups: ['authorization.k8s.io', 'authentication.k8s.io'],
            apiVersions: ['*'],
            operations: ['*'],
            resources: ['*/*'],
            scope: '*',
          },
        ],
      },
      matchConditions: [{ name: 'consumer-credentials', expression: consumerRequestCondition }],
      variables: [
        { name: 'providerNamespace', expression: "request.userInfo.username.split(':')[2]" },
        // An empty namespace is left out of the request, so it is tested with has().
        { name: 'clusterScoped', expression: "!has(request.namespace) || request.namespace == ''" },
        {
          name: 'ownsNamespace',
          expression:
            `(request.namespace == variables.providerNamespace && (request.resource.group == ${lit(klutchGroup)} || ` +
            // Control-plane mode: the konnector's Lease and Events live in its provider (root)
            // namespace. RBAC grants them only there and only in that mode.
            `(request.resource.group == 'coordination.k8s.io' && request.resource.resource == 'leases') || ` +
            `(request.resource.group in ['', 'events.k8s.io'] && request.resource.resource == 'events'))) || ` +
            `(namespaceObject != null && has(${nsAnnotations}) && ${serviceKey} in ${nsAnnotations} && ` +
            `${nsAnnotations}[${serviceKey}].startsWith(variables.providerNamespace + '/'))`,
        },
        {
          name: 'ownsClusterScoped',
          expression: `(${ownsClusterScoped('object')}) && (${ownsClusterScoped('oldObject')})`,
        },
      ],
      validations: [
        {
          expression: 'variables.clusterScoped || variables.ownsNamespace',
          reason: 'Forbidden',
          messageExpression:
            `'consumer ' + variables.providerNamespace + ' may write only in its own service namespaces ` +
            `(annotated ${apiServiceNamespaceAnnotation}: ' + variables.providerNamespace + '/<namespace>), not in namespace ' + request.namespace`,
        },
        {
          expression: '!variables.clusterScoped || variables.ownsClusterScoped',
          reason: 'Forbidden',
          messageExpression:
            `'consumer ' + variables.providerNamespace + ' may write only its own cluster-scoped objects: ` +
            `names starting with ' + variables.providerNamespace + '- whose annotation ${clusterNamespaceAnnotation}, if set, is ' + variables.providerNamespace`,
        },
      ],
    },
  };
}

/** Binds the policy to every request it matches, denying violations. */
export function consumerWritePolicyBinding(): AdmissionPolicyBindingObject {
  return {
    apiVersion: admissionApiVersion,
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: consumerWritePolicyName, labels: partOfKlutch },
    spec: { policyName: consumerWritePolicyName, validationActions: ['Deny'] },
  };
}
