import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { renderKubeconfig } from './kubeconfigFile.js';
import { ManagedProcess } from './managedProcess.js';
import { registerForReaping } from './processReaper.js';
import { findRepoRoot } from './repoPaths.js';
import type { TestCluster } from './testCluster.js';

// The test bed has no node yet, so nothing runs Pods. Until it has one, a test runs a
// Deployment's container as a local process: the arguments and environment are derived from the
// Deployment object exactly as the kubelet would (env values, fieldRefs, $(VAR) expansion), and
// the in-cluster configuration is replaced by a kubeconfig with a token of the pod's service
// account, so the process has the rights the Pod would have.

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

interface DeploymentLike {
  metadata: { name?: string; namespace?: string };
  spec?: {
    template?: {
      spec?: {
        serviceAccountName?: string;
        containers?: Array<{
          name: string;
          image?: string;
          command?: string[];
          args?: string[];
          env?: EnvVar[];
        }>;
      };
    };
  };
}

export interface PodRuntime {
  image: string;
  serviceAccountName: string;
  args: string[];
  env: Record<string, string>;
}

/** Expands `$(VAR)` with earlier variables, `$$(` to a literal `$(`, unknown ones kept (kubelet rules). */
export function expandKubeVars(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$\(|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (name === undefined) return '$(';
    return Object.hasOwn(vars, name) ? (vars[name] ?? '') : m;
  });
}

/**
 * What the kubelet would give the first container of a Deployment's Pod named `podName` with IP
 * `podIP`: its environment (values and the fieldRefs metadata.name, metadata.namespace,
 * status.podIP, spec.serviceAccountName) and its arguments after $(VAR) expansion. Pure.
 */
export function podRuntimeOf(deployment: DeploymentLike, pod: { name: string; ip: string }): PodRuntime {
  const spec = deployment.spec?.template?.spec;
  const container = spec?.containers?.[0];
  if (!container) throw new Error(`deployment ${deployment.metadata.name ?? ''} has no container`);
  if (container.command?.length)
    throw new Error('a container command cannot be run locally; only the image entrypoint with args');
  const namespace = deployment.metadata.namespace ?? 'default';
  const serviceAccountName = spec?.serviceAccountName ?? 'default';
  const fields: Record<string, string> = {
    'metadata.name': pod.name,
    'metadata.namespace': namespace,
    'status.podIP': pod.ip,
    'spec.serviceAccountName': serviceAccountName,
  };
  const env: Record<string, string> = {};
  for (const v of container.env ?? []) {
    if (v.valueFrom) {
      const path = v.valueFrom.fieldRef?.fieldPath;
      const value = path === undefined ? undefined : fields[path];
      if (value === undefined)
        throw new Error(
          `env ${v.name}: only the fieldRefs ${Object.keys(fields).join(', ')} can be run locally`,
        );
      env[v.name] = value;
    } else env[v.name] = expandKubeVars(v.value ?? '', env);
  }
  return {
    image: container.image ?? '',
    serviceAccountName,
    args: (container.args ?? []).map((a) => expandKubeVars(a, env)),
    env,
  };
}

/** A Deployment's container running as a local process. */
export interface LocalDeployment {
  runtime: PodRuntime;
  process: ManagedProcess;
  /** The kubeconfig that stands in for the in-cluster configuration (a token of the pod's service account). */
  kubeconfigPath: string;
  stop(): Promise<void>;
}

/**
 * Reads the Deployment from the cluster and runs its container locally: `programFor(image)` names
 * the TypeScript entry point of the image (e.g. packages/konnector/src/main.ts, run from source),
 * its compiled entry point (dist/main.js) or its launcher (packages/konnector/bin/konnector). The pod gets a
 * loopback address of its own as its IP, so several "pods" can listen on the same port.
 */
export async function startDeploymentLocally(
  cluster: TestCluster,
  opts: {
    namespace: string;
    name: string;
    programFor: (image: string) => string;
    podIp: string;
    logFile: string;
    /** Extra environment of the test runner (e.g. a log level); never overrides the Pod's. */
    extraEnv?: Record<string, string>;
  },
): Promise<LocalDeployment> {
  const got = await cluster.kubectl(['get', 'deployment', '-n', opts.namespace, opts.name, '-o', 'json']);
  if (got.code !== 0) throw new Error(`deployment ${opts.namespace}/${opts.name}: ${got.stderr}`);
  const deployment = JSON.parse(got.stdout) as DeploymentLike;
  const podName = `${opts.name}-local-${Math.random().toString(36).slice(2, 7)}`;
  const runtime = podRuntimeOf(deployment, { name: podName, ip: opts.podIp });
  const token = await cluster.kubectl([
    'create',
    'token',
    runtime.serviceAccountName,
    '-n',
    opts.namespace,
    '--duration=24h',
  ]);
  if (token.code !== 0) throw new Error(`token for ${runtime.serviceAccountName}: ${token.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), 'klutch-local-pod-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfigPath,
    renderKubeconfig({
      clusterName: 'in-cluster',
      server: cluster.server,
      caPem: cluster.caPem,
      userName: runtime.serviceAccountName,
      token: token.stdout.trim(),
      namespace: opts.namespace,
    }),
    { mode: 0o600 },
  );
  const program = opts.programFor(runtime.image);
  // A TypeScript entry point runs from source, a .js file with node; anything else is a launcher.
  const [command, ...programArgs] = program.endsWith('.ts')
    ? [process.execPath, '--conditions=source', '--import', 'tsx', program]
    : program.endsWith('.js')
      ? [process.execPath, program]
      : [program];
  const proc = new ManagedProcess({
    name: podName,
    command: command ?? program,
    args: [...programArgs, ...runtime.args],
    logFile: opts.logFile,
    cwd: findRepoRoot(),
    env: {
      ...opts.extraEnv,
      ...runtime.env,
      KUBECONFIG: kubeconfigPath,
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    },
  });
  // A test that dies must not leave the "pod" running.
  const unregister = registerForReaping({
    pids: () => (proc.pid !== undefined ? [proc.pid] : []),
    dirs: () => [dir],
  });
  return {
    runtime,
    process: proc,
    kubeconfigPath,
    stop: async () => {
      await proc.stop();
      unregister();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
