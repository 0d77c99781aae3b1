import { KubeConfig, parseKubeConfigText, requireCurrentServer } from './kubeConfig.js';

// A kubeconfig for ANOTHER cluster (a provider kubeconfig from a binding's Secret, say) comes from
// whoever can write that Secret, not from the operator of the program that uses it. The full
// kubeconfig format lets its author run programs (exec, auth-provider), read local files
// (tokenFile, certificate and key paths: the program's own service-account token, for one) and
// send the credentials somewhere else (proxy-url, plain http, no certificate check). Such a
// kubeconfig is accepted only with inline material. A program's own kubeconfig (--kubeconfig,
// $KUBECONFIG, in-cluster) keeps the full format through loadKubeConfig.

/** One field of a kubeconfig that makes it unusable for another cluster, and why. */
export interface KubeConfigViolation {
  /** Path into the document, e.g. `users[0].user.exec`. */
  field: string;
  /** Why it is refused; reads as a sentence after the field. */
  problem: string;
}

/** What a kubeconfig for another cluster may use instead. */
export const inlineMaterialRule =
  'only inline credentials (token, or client-certificate-data with client-key-data) and an inline CA (certificate-authority-data) or the system trust store are accepted';

type Raw = Record<string, unknown>;
const isMapping = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const given = (v: unknown) => v !== undefined && v !== null && v !== '';

const readsFile = 'names a file that would be read on the local machine';
const userRules: Array<[key: string, problem: string]> = [
  ['exec', 'runs a program on the local machine'],
  ['auth-provider', 'runs an authentication plugin, which can run programs and contact other servers'],
  ['tokenFile', `${readsFile} (such as its own service-account token) and sent to the server`],
  ['client-certificate', readsFile],
  ['client-key', readsFile],
  ['username', 'is basic auth, which Kubernetes API servers no longer accept (since 1.19)'],
  ['password', 'is basic auth, which Kubernetes API servers no longer accept (since 1.19)'],
];
const clusterRules: Array<[key: string, problem: string]> = [
  ['certificate-authority', readsFile],
  ['proxy-url', 'sends the connection and its credentials through another server'],
];

/**
 * Every field of the document that a kubeconfig for another cluster may not use: exec,
 * auth-provider, file paths, basic auth, proxies, a disabled certificate check and servers that
 * are not https. Checks all clusters and users, not only the current context's, so no other
 * context can be switched to later. Pure; an empty list means the document is acceptable.
 */
export function remoteKubeConfigViolations(doc: unknown): KubeConfigViolation[] {
  const out: KubeConfigViolation[] = [];
  if (!isMapping(doc)) return out;
  const entries = (list: unknown, kind: 'clusters' | 'users') =>
    (Array.isArray(list) ? list : []).map((entry, i) => ({
      at: `${kind}[${i}].${kind === 'clusters' ? 'cluster' : 'user'}`,
      body: isMapping(entry) ? entry[kind === 'clusters' ? 'cluster' : 'user'] : undefined,
    }));
  for (const { at, body } of entries(doc.clusters, 'clusters')) {
    if (!isMapping(body)) continue;
    const server = body.server;
    if (given(server)) {
      const url = typeof server === 'string' && URL.canParse(server) ? new URL(server) : undefined;
      if (!url) out.push({ field: `${at}.server`, problem: 'is not a URL' });
      else if (url.protocol !== 'https:')
        out.push({
          field: `${at}.server`,
          problem: `is ${url.protocol.replace(/:$/, '')}, not https: the credentials would travel unencrypted`,
        });
    }
    const skip = body['insecure-skip-tls-verify'];
    if (skip !== undefined && skip !== null && skip !== false)
      out.push({
        field: `${at}.insecure-skip-tls-verify`,
        problem: "turns off the check of the server's certificate, so whoever answers gets the credentials",
      });
    for (const [key, problem] of clusterRules)
      if (given(body[key])) out.push({ field: `${at}.${key}`, problem });
  }
  for (const { at, body } of entries(doc.users, 'users')) {
    if (!isMapping(body)) continue;
    for (const [key, problem] of userRules)
      if (given(body[key])) out.push({ field: `${at}.${key}`, problem });
    // A certificate needs its key; a half given as a file is reported above already.
    const cert = given(body['client-certificate-data']) || given(body['client-certificate']);
    const key = given(body['client-key-data']) || given(body['client-key']);
    if (cert !== key)
      out.push({
        field: `${at}.${cert ? 'client-key-data' : 'client-certificate-data'}`,
        problem: `is missing; ${cert ? 'the client certificate' : 'the client key'} needs it`,
      });
  }
  return out;
}

/** The violations as one sentence: `users[0].user.exec runs a program ...; only inline ...`. */
export function describeKubeConfigViolations(violations: readonly KubeConfigViolation[]): string {
  return [...violations.map((v) => `${v.field} ${v.problem}`), inlineMaterialRule].join('; ');
}

/** A kubeconfig for another cluster that uses something other than inline material. */
export class RemoteKubeConfigError extends Error {
  constructor(readonly violations: KubeConfigViolation[]) {
    super(`kubeconfig refused: ${describeKubeConfigViolations(violations)}`);
    this.name = 'RemoteKubeConfigError';
  }
}

/**
 * Loads a kubeconfig for another cluster: refuses (RemoteKubeConfigError) every document with a
 * violation before anything is built, so nothing is run, read or contacted; the KubeConfig it
 * returns is also restricted to inline material. Throws a plain Error for what loadKubeConfig
 * refuses too (not YAML, no current cluster, no server).
 */
export function loadRemoteKubeConfig(text: string): KubeConfig {
  const doc = parseKubeConfigText(text);
  const violations = remoteKubeConfigViolations(doc);
  if (violations.length > 0) throw new RemoteKubeConfigError(violations);
  const kc = new KubeConfig();
  kc.loadFromDocument(doc);
  kc.restrictToInlineMaterial();
  requireCurrentServer(kc);
  return kc;
}
