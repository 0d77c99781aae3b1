import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

// Our own kubeconfig reader. @kubernetes/client-node's KubeConfig pulls in that library's whole
// generated API (about 80 MB of resident memory per process) for a few hundred lines of logic.

export interface KubeConfigCluster {
  name: string;
  server: string;
  /** Base64 of the PEM bundle (certificate-authority-data). */
  caData?: string;
  /** PEM file (certificate-authority), made absolute against the kubeconfig's folder. */
  caFile?: string;
  skipTLSVerify?: boolean;
  tlsServerName?: string;
}

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: Array<{ name: string; value: string }>;
  apiVersion?: string;
  provideClusterInfo?: boolean;
  installHint?: string;
}

export interface KubeConfigUser {
  name: string;
  token?: string;
  tokenFile?: string;
  /** Base64 PEM (client-certificate-data / client-key-data). */
  certData?: string;
  keyData?: string;
  certFile?: string;
  keyFile?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
}

export interface KubeConfigContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

/** What a client needs to open connections and authenticate, refreshed by the caller. */
export interface ConnectionOptions {
  headers?: Record<string, string>;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
  /** `user:password` for basic auth. */
  auth?: string;
}

export interface KubeConfigSource {
  /** Path of a kubeconfig file. */
  file?: string;
  /** A kubeconfig as YAML or JSON text. */
  text?: string;
  /** Use the in-cluster service account. */
  inCluster?: boolean;
  /** Context to use instead of current-context. */
  context?: string;
}

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const named = (v: unknown): Raw[] => (Array.isArray(v) ? v.map(obj) : []);

/** A parsed kubeconfig: clusters, users, contexts and the current context. */
export class KubeConfig {
  clusters: KubeConfigCluster[] = [];
  users: KubeConfigUser[] = [];
  contexts: KubeConfigContext[] = [];
  currentContext = '';
  private execCache: { key: string; value: ExecResult; expires: number } | undefined;
  private inlineOnly = false;

  loadFromOptions(o: {
    clusters: KubeConfigCluster[];
    users: KubeConfigUser[];
    contexts: KubeConfigContext[];
    currentContext: string;
  }): void {
    this.clusters = o.clusters;
    this.users = o.users;
    this.contexts = o.contexts;
    this.currentContext = o.currentContext;
  }

  /** A kubeconfig with one context for `server`, as code (tests, tools) builds one without a file. */
  static forServer(server: string, user: Omit<KubeConfigUser, 'name'> = {}): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'default', server }],
      users: [{ name: 'default', ...user }],
      contexts: [{ name: 'default', cluster: 'default', user: 'default' }],
      currentContext: 'default',
    });
    return kc;
  }

  loadFromString(text: string, baseDir?: string): void {
    this.loadFromDocument(parseKubeConfigText(text), baseDir);
  }

  /** Adds an already parsed kubeconfig document (see parseKubeConfigText). */
  loadFromDocument(doc: Record<string, unknown>, baseDir?: string): void {
    this.merge(doc, baseDir);
  }

  /**
   * From now on only inline material is used: applyToHTTPSOptions refuses to read a file, run a
   * program, skip the server certificate check or talk to a server other than over https. The
   * last line of defence for a kubeconfig of another cluster (loadRemoteKubeConfig), should it
   * ever get past the validator.
   */
  restrictToInlineMaterial(): this {
    this.inlineOnly = true;
    return this;
  }

  loadFromFile(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`cannot read kubeconfig ${path}: ${(err as Error).message}`, { cause: err });
    }
    this.loadFromString(text, dirname(path));
  }

  /** The pod's service account, as every in-cluster client does. */
  loadFromCluster(dir = serviceAccountDir): void {
    const host = process.env.KUBERNETES_SERVICE_HOST;
    const port = process.env.KUBERNETES_SERVICE_PORT;
    if (!host || !port)
      throw new Error(
        'not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set',
      );
    const hostPart = host.includes(':') ? `[${host}]` : host;
    const namespaceFile = join(dir, 'namespace');
    this.loadFromOptions({
      clusters: [{ name: 'in-cluster', server: `https://${hostPart}:${port}`, caFile: join(dir, 'ca.crt') }],
      users: [{ name: 'in-cluster', tokenFile: join(dir, 'token') }],
      contexts: [
        {
          name: 'in-cluster',
          cluster: 'in-cluster',
          user: 'in-cluster',
          ...(existsSync(namespaceFile) ? { namespace: readFileSync(namespaceFile, 'utf8').trim() } : {}),
        },
      ],
      currentContext: 'in-cluster',
    });
  }

  /** $KUBECONFIG (a list of files, merged like kubectl does), else ~/.kube/config, else in-cluster. */
  loadFromDefault(): void {
    const list = (process.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
    if (list.length > 0) {
      for (const file of list) if (existsSync(file)) this.loadFromFile(file);
      if (this.clusters.length === 0)
        throw new Error(`no kubeconfig found in KUBECONFIG=${process.env.KUBECONFIG}`);
      return;
    }
    const home = join(homedir(), '.kube', 'config');
    if (existsSync(home)) return this.loadFromFile(home);
    this.loadFromCluster();
  }

  /** Adds a document; for names seen before and for current-context the first one wins (as kubectl). */
  private merge(doc: Raw, baseDir: string | undefined): void {
    const path = (p: unknown) => {
      const s = str(p);
      return s === undefined || isAbsolute(s) || baseDir === undefined ? s : join(baseDir, s);
    };
    const has = (list: Array<{ name: string }>, name: string) => list.some((x) => x.name === name);
    for (const entry of named(doc.clusters)) {
      const name = str(entry.name) ?? '';
      const c = obj(entry.cluster);
      if (has(this.clusters, name)) continue;
      if (str(c['proxy-url']))
        throw new Error(
          `cluster ${JSON.stringify(name)}: proxy-url is not supported; connect without a proxy`,
        );
      this.clusters.push(
        compact({
          name,
          server: str(c.server) ?? '',
          caData: str(c['certificate-authority-data']),
          caFile: path(c['certificate-authority']),
          skipTLSVerify: c['insecure-skip-tls-verify'] === true || undefined,
          tlsServerName: str(c['tls-server-name']),
        }),
      );
    }
    for (const entry of named(doc.users)) {
      const name = str(entry.name) ?? '';
      const u = obj(entry.user);
      if (has(this.users, name)) continue;
      if (u['auth-provider'] !== undefined)
        throw new Error(
          `user ${JSON.stringify(name)}: auth-provider ${JSON.stringify(obj(u['auth-provider']).name ?? '')} is not supported; use a token or an exec credential plugin`,
        );
      const exec = obj(u.exec);
      this.users.push(
        compact({
          name,
          token: str(u.token),
          tokenFile: path(u.tokenFile),
          certData: str(u['client-certificate-data']),
          keyData: str(u['client-key-data']),
          certFile: path(u['client-certificate']),
          keyFile: path(u['client-key']),
          username: str(u.username),
          password: str(u.password),
          exec: str(exec.command)
            ? compact({
                // A relative path with a slash is relative to the kubeconfig; a bare name uses PATH.
                command: str(exec.command)?.includes('/')
                  ? (path(exec.command) ?? '')
                  : (str(exec.command) ?? ''),
                args: Array.isArray(exec.args) ? exec.args.map(String) : undefined,
                env: named(exec.env).map((e) => ({
                  name: str(e.name) ?? '',
                  value: typeof e.value === 'string' ? e.value : '',
                })),
                apiVersion: str(exec.apiVersion),
                provideClusterInfo: exec.provideClusterInfo === true || undefined,
                installHint: str(exec.installHint),
              })
            : undefined,
        }),
      );
    }
    for (const entry of named(doc.contexts)) {
      const name = str(entry.name) ?? '';
      const c = obj(entry.context);
      if (has(this.contexts, name)) continue;
      this.contexts.push(
        compact({
          name,
          cluster: str(c.cluster) ?? '',
          user: str(c.user) ?? '',
          namespace: str(c.namespace),
        }),
      );
    }
    this.currentContext ||= str(doc['current-context']) ?? '';
  }

  getContextObject(name: string): KubeConfigContext | undefined {
    return this.contexts.find((c) => c.name === name);
  }

  setCurrentContext(name: string): void {
    this.currentContext = name;
  }

  getCurrentContextObject(): KubeConfigContext | undefined {
    return this.getContextObject(this.currentContext);
  }

  getCurrentCluster(): KubeConfigCluster | undefined {
    const ctx = this.getCurrentContextObject();
    return ctx ? this.clusters.find((c) => c.name === ctx.cluster) : undefined;
  }

  getCurrentUser(): KubeConfigUser | undefined {
    const ctx = this.getCurrentContextObject();
    return ctx ? this.users.find((u) => u.name === ctx.user) : undefined;
  }

  /**
   * TLS material and credentials of the current context. Files (CA, client certificate, token
   * file) are read on every call, so rotated files are picked up; exec plugins run again only
   * when their credential expires.
   */
  async applyToHTTPSOptions(opts: ConnectionOptions): Promise<void> {
    const cluster = this.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const user = this.getCurrentUser();
    const refuse = (what: string) =>
      new Error(`${what}: this kubeconfig may use inline credentials and certificates only`);
    if (this.inlineOnly && !cluster.server.startsWith('https://'))
      throw refuse(`server ${cluster.server} is not https`);
    if (this.inlineOnly && cluster.skipTLSVerify) throw refuse('insecure-skip-tls-verify');
    const file = (what: string, p: string) => {
      if (this.inlineOnly) throw refuse(`${what} names the file ${p}`);
      try {
        return readFileSync(p);
      } catch (err) {
        throw new Error(`cannot read ${what} ${p}: ${(err as Error).message}`, { cause: err });
      }
    };
    if (cluster.caData) opts.ca = Buffer.from(cluster.caData, 'base64');
    else if (cluster.caFile) opts.ca = file('certificate-authority', cluster.caFile);
    if (cluster.skipTLSVerify) opts.rejectUnauthorized = false;
    if (cluster.tlsServerName) opts.servername = cluster.tlsServerName;
    if (!user) return;
    if (user.certData) opts.cert = Buffer.from(user.certData, 'base64');
    else if (user.certFile) opts.cert = file('client-certificate', user.certFile);
    if (user.keyData) opts.key = Buffer.from(user.keyData, 'base64');
    else if (user.keyFile) opts.key = file('client-key', user.keyFile);
    let token = user.token;
    if (!token && user.tokenFile) token = file('tokenFile', user.tokenFile).toString('utf8').trim();
    if (user.exec) {
      if (this.inlineOnly) throw refuse(`exec runs ${user.exec.command}`);
      const cred = await this.runExec(user.exec, cluster);
      if (cred.token) token = cred.token;
      if (cred.clientCertificateData) opts.cert = Buffer.from(cred.clientCertificateData);
      if (cred.clientKeyData) opts.key = Buffer.from(cred.clientKeyData);
    }
    if (token) opts.headers = { ...opts.headers, authorization: `Bearer ${token}` };
    else if (user.username !== undefined && user.password !== undefined)
      opts.auth = `${user.username}:${user.password}`;
  }

  private async runExec(exec: ExecConfig, cluster: KubeConfigCluster): Promise<ExecResult> {
    const key = JSON.stringify([exec, cluster.name]);
    if (this.execCache?.key === key && this.execCache.expires > Date.now()) return this.execCache.value;
    const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1';
    const info = {
      apiVersion,
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        ...(exec.provideClusterInfo
          ? {
              cluster: compact({
                server: cluster.server,
                'certificate-authority-data': cluster.caData,
                'insecure-skip-tls-verify': cluster.skipTLSVerify,
                'tls-server-name': cluster.tlsServerName,
              }),
            }
          : {}),
      },
    };
    const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
    for (const e of exec.env ?? []) env[e.name] = e.value;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        exec.command,
        exec.args ?? [],
        { env, timeout: 60_000, maxBuffer: 4 << 20 },
        (err, out, errOut) => {
          if (err) {
            const hint = exec.installHint ? ` (${exec.installHint.trim()})` : '';
            reject(
              new Error(`credential plugin ${exec.command} failed: ${err.message} ${errOut}`.trim() + hint),
            );
          } else resolve(out);
        },
      );
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(stdout);
    } catch (err) {
      throw new Error(`credential plugin ${exec.command} did not print an ExecCredential as JSON`, {
        cause: err,
      });
    }
    const raw = obj(obj(parsed).status);
    const status: ExecResult = compact({
      token: str(raw.token),
      clientCertificateData: str(raw.clientCertificateData),
      clientKeyData: str(raw.clientKeyData),
      expirationTimestamp: str(raw.expirationTimestamp),
    });
    if (!status.token && !(status.clientCertificateData && status.clientKeyData))
      throw new Error(`credential plugin ${exec.command} returned neither a token nor a client certificate`);
    const expiresAt = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : NaN;
    // Without an expiry the credential is reused for a minute, then fetched again.
    this.execCache = {
      key,
      value: status,
      expires: Number.isNaN(expiresAt) ? Date.now() + 60_000 : expiresAt,
    };
    return status;
  }
}

interface ExecResult {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

/** Parses kubeconfig text (YAML or JSON) into its document, with a sentence saying what is wrong. */
export function parseKubeConfigText(text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`the kubeconfig is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new Error('the kubeconfig is empty or not a mapping');
  return doc as Record<string, unknown>;
}

/** Drops undefined properties, so optional fields stay absent (exactOptionalPropertyTypes). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Loads a kubeconfig from exactly one source; with none, from $KUBECONFIG, ~/.kube/config or in-cluster. */
export function loadKubeConfig(src: KubeConfigSource = {}): KubeConfig {
  const kc = new KubeConfig();
  const given = [src.file, src.text, src.inCluster].filter((v) => v !== undefined && v !== false).length;
  if (given > 1) throw new Error('give only one of file, text and inCluster');
  if (src.file !== undefined) kc.loadFromFile(src.file);
  else if (src.text !== undefined) kc.loadFromString(src.text);
  else if (src.inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (src.context) {
    if (!kc.getContextObject(src.context))
      throw new Error(`context ${JSON.stringify(src.context)} is not in the kubeconfig`);
    kc.setCurrentContext(src.context);
  }
  requireCurrentServer(kc);
  return kc;
}

/** Throws unless the current context names a cluster with a server (every client needs one). */
export function requireCurrentServer(kc: KubeConfig): void {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error('the kubeconfig has no current cluster (set current-context or pass a context)');
  }
  if (!cluster.server)
    throw new Error(`cluster ${JSON.stringify(cluster.name)} in the kubeconfig has no server`);
}
