import {
  describeKubeConfigViolations,
  loadRemoteKubeConfig,
  RemoteKubeConfigError,
  remoteKubeConfigViolations,
} from '@klutch/kube';
import { parse } from 'yaml';
import type { SecretObject } from './konnectorObjects.js';

export type KubeconfigCheck =
  | { valid: true; kubeconfig: string; providerNamespace: string }
  | { valid: false; reason: 'KubeconfigSecretNotFound' | 'KubeconfigSecretInvalid'; message: string };

interface NamedContext {
  name?: unknown;
  context?: { cluster?: unknown; user?: unknown; namespace?: unknown };
}

/**
 * Checks a provider kubeconfig: it must parse, use inline material only (whoever can write the
 * Secret must not make the konnector run a program, read a local file or send its credentials
 * elsewhere; see remoteKubeConfigViolations), name an existing current context with a cluster,
 * and that context must carry a namespace, which is the consumer's provider namespace.
 */
export function checkProviderKubeconfig(text: string, where: string): KubeconfigCheck {
  const invalid = (message: string): KubeconfigCheck => ({
    valid: false,
    reason: 'KubeconfigSecretInvalid',
    message,
  });
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return invalid(`Kubeconfig in secret ${where} is not valid YAML. Rerun kubectl bind for repair.`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return invalid(
      `Kubeconfig in secret ${where} is not a kubeconfig document. Rerun kubectl bind for repair.`,
    );
  const violations = remoteKubeConfigViolations(doc);
  if (violations.length > 0)
    return invalid(
      `Kubeconfig in secret ${where}: ${describeKubeConfigViolations(violations)}. Rerun kubectl bind for repair.`,
    );
  const cfg = doc as { 'current-context'?: unknown; contexts?: unknown; clusters?: unknown };
  const current = cfg['current-context'];
  if (typeof current !== 'string' || current === '')
    return invalid(`Kubeconfig in secret ${where} has no current-context. Rerun kubectl bind for repair.`);
  const contexts = Array.isArray(cfg.contexts) ? (cfg.contexts as NamedContext[]) : [];
  const ctx = contexts.find((c) => c.name === current)?.context;
  if (!ctx) return invalid(`Kubeconfig in secret ${where}: current context "${current}" not found.`);
  const clusters = Array.isArray(cfg.clusters) ? (cfg.clusters as Array<{ name?: unknown }>) : [];
  if (typeof ctx.cluster !== 'string' || !clusters.some((c) => c.name === ctx.cluster))
    return invalid(`Kubeconfig in secret ${where}: cluster of current context "${current}" not found.`);
  if (typeof ctx.namespace !== 'string' || ctx.namespace === '')
    return invalid(
      `Kubeconfig in secret ${where}: current context "${current}" has no namespace set. Rerun kubectl bind for repair.`,
    );
  return { valid: true, kubeconfig: text, providerNamespace: ctx.namespace };
}

/** Validates the binding's kubeconfig Secret (SecretValid on the APIServiceBinding). */
export function checkKubeconfigSecret(
  secret: SecretObject | undefined,
  ref: { namespace: string; name: string; key: string },
): KubeconfigCheck {
  const where = `${ref.namespace}/${ref.name}`;
  if (!secret)
    return {
      valid: false,
      reason: 'KubeconfigSecretNotFound',
      message: `Kubeconfig secret ${where} not found. Rerun kubectl bind for repair.`,
    };
  const encoded = secret.data?.[ref.key];
  if (encoded === undefined || encoded === '')
    return {
      valid: false,
      reason: 'KubeconfigSecretInvalid',
      message: `Kubeconfig secret ${where} has no key "${ref.key}". Rerun kubectl bind for repair.`,
    };
  return checkProviderKubeconfig(Buffer.from(encoded, 'base64').toString('utf8'), where);
}

/**
 * Control-plane mode: the bindings' Secret holds the app cluster's kubeconfig, not a provider's.
 * It goes through the same validator (inline material only, a current context with a server); it
 * needs no namespace, since the provider namespace is the binding root namespace.
 */
export function checkAppClusterKubeconfigSecret(
  secret: SecretObject | undefined,
  ref: { namespace: string; name: string; key: string },
  bindingRootNamespace: string,
): KubeconfigCheck {
  const where = `${ref.namespace}/${ref.name}`;
  if (!secret)
    return {
      valid: false,
      reason: 'KubeconfigSecretNotFound',
      message: `App cluster kubeconfig secret ${where} not found. The backend mirrors it from the AppClusterBinding's kubeconfigSecretRef: check the AppClusterBinding's SecretValid condition.`,
    };
  const encoded = secret.data?.[ref.key];
  if (encoded === undefined || encoded === '')
    return {
      valid: false,
      reason: 'KubeconfigSecretInvalid',
      message: `App cluster kubeconfig secret ${where} has no key "${ref.key}".`,
    };
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const problem = appClusterKubeconfigProblem(text);
  if (problem)
    return {
      valid: false,
      reason: 'KubeconfigSecretInvalid',
      message: `App cluster kubeconfig in secret ${where} is refused: ${problem}. Use a kubeconfig with a service-account token (no exec plugins).`,
    };
  return { valid: true, kubeconfig: text, providerNamespace: bindingRootNamespace };
}

/** Why loadRemoteKubeConfig refuses the app cluster's kubeconfig, or undefined when it accepts it. */
export function appClusterKubeconfigProblem(text: string): string | undefined {
  try {
    loadRemoteKubeConfig(text);
    return undefined;
  } catch (err) {
    if (err instanceof RemoteKubeConfigError) return describeKubeConfigViolations(err.violations);
    return err instanceof Error ? err.message : String(err);
  }
}
