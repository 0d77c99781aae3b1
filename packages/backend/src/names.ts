import { createHash } from 'node:crypto';
import { capName, maxDnsLabelLength } from '@klutch/kube';

/**
 * Names and keys that tie the backend, the konnector and the CLI together. They follow the Go
 * reference exactly (wire compatibility); only the identity annotation moves to the klutch prefix,
 * and the Go key is still honoured when looking a consumer up.
 */
export const identityAnnotation = 'klutch.anynines.com/identity';
export const legacyIdentityAnnotation = 'example-backend.klutch.anynines.com/identity';
export const sourceSpecHashAnnotation = 'klutch.anynines.com/source-spec-hash';
/** When the token in a kubeconfig Secret written by this backend expires (RFC 3339). */
export const tokenExpirationAnnotation = 'klutch.anynines.com/token-expiration';

/** Label on the kubeconfig Secrets this backend writes, so the rotation controller can watch just them. */
export const consumerKubeconfigLabel = 'klutch.anynines.com/consumer-kubeconfig';

export const binderServiceAccountName = 'klutch-binder';
/** ClusterRole (bootstrap) and the RoleBindings in provider and service namespaces share this name. */
export const binderName = 'klutch-binder';
export const defaultKubeconfigSecretName = 'kubeconfig';
export const kubeconfigSecretKey = 'kubeconfig';
export const defaultNamespacePrefix = 'cluster';
export const defaultPrettyName = 'Example Backend';

const maxNamespaceLength = maxDnsLabelLength;

/**
 * The consumer's ClusterRole with its exported and claimed resources (bound only in its service
 * namespaces), and also the name of its ClusterRoleBinding (which binds the `-cluster` role).
 */
export function consumerClusterRoleName(providerNamespace: string): string {
  return `${binderName}-${providerNamespace}`;
}

/** The consumer's cluster-wide ClusterRole: exported resources only, never claimed ones. */
export function consumerClusterWideRoleName(providerNamespace: string): string {
  return capNamespaceName(`${binderName}-${providerNamespace}-cluster`);
}

/** `<resource>.<group>`, the name of export requests (and of exports, bindings and CRDs). */
export function resourceObjectName(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

/**
 * Caps a DNS label at 63 characters: a longer name keeps its beginning and ends in `-` plus the
 * first 10 hex digits of sha256(full name), so it is stable and distinct per full name.
 */
export function capNamespaceName(full: string): string {
  return capName(full, maxNamespaceLength);
}

/** The service namespace of one consumer namespace: `<providerNs>-<consumerNs>`, capped. */
export function serviceNamespaceName(providerNamespace: string, consumerNamespace: string): string {
  return capNamespaceName(`${providerNamespace}-${consumerNamespace}`);
}

/** The value of the `klutch.anynines.com/api-service-namespace` annotation. */
export function serviceNamespaceOwner(providerNamespace: string, consumerNamespace: string): string {
  return `${providerNamespace}/${consumerNamespace}`;
}

const candidateSuffixLength = 8;

/**
 * The provider namespace to try for an identity, attempt by attempt. It looks like a generateName
 * result (`<prefix>-` plus 8 lowercase base-36 characters) but is derived from the identity, so
 * two backends binding the same consumer at the same time race for the same name and the API
 * server's AlreadyExists decides: a second namespace for one identity cannot appear. Attempt 1, 2,
 * ... exist only for the unlikely case that a name is taken by something else.
 */
export function providerNamespaceCandidate(prefix: string, identity: string, attempt: number): string {
  const digest = createHash('sha256').update(`${identity}\n${attempt}`).digest();
  let n = digest.readBigUInt64BE(0);
  let suffix = '';
  for (let i = 0; i < candidateSuffixLength; i++) {
    suffix += (n % 36n).toString(36);
    n /= 36n;
  }
  return `${prefix}-${suffix}`;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Problems with a namespace prefix, or undefined when it can be used. */
export function namespacePrefixProblem(prefix: string): string | undefined {
  const p = prefix.replace(/-+$/, '');
  if (!p) return 'the namespace prefix must not be empty';
  if (!dnsLabel.test(p))
    return `the namespace prefix ${JSON.stringify(prefix)} must consist of lowercase letters, digits and '-', and start and end with a letter or digit`;
  if (p.length + 1 + candidateSuffixLength > maxNamespaceLength)
    return `the namespace prefix ${JSON.stringify(prefix)} is too long: at most ${maxNamespaceLength - 1 - candidateSuffixLength} characters`;
  return undefined;
}

/** The prefix without trailing dashes (the Go flag accepted both `cluster` and `cluster-`). */
export function normalizeNamespacePrefix(prefix: string): string {
  return prefix.replace(/-+$/, '');
}

/** Validates an identity `<oidc subject>#<clusterID>`. */
export function identityProblem(identity: string): string | undefined {
  const i = identity.lastIndexOf('#');
  if (i <= 0 || i === identity.length - 1)
    return `identity ${JSON.stringify(identity)} must have the form <oidc subject>#<cluster id>`;
  return undefined;
}
