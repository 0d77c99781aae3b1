import { parseArgs } from 'node:util';
import { isDnsLabel, logLevels, takeLeaderElectionFlag } from '@klutch/kube';
import {
  clusterScopedIsolations,
  consumerScopes,
  externalAddressProblem,
  parseEnumValue,
} from './backendSettings.js';
import type { ClusterScopedIsolation, ConsumerScope } from './backendSettings.js';
import { defaultKonnectorImage } from './appClusterBindingPlan.js';
import {
  defaultNamespacePrefix,
  defaultPrettyName,
  namespacePrefixProblem,
  normalizeNamespacePrefix,
} from './names.js';

export interface BackendCommandLine {
  kubeconfig?: string;
  namespacePrefix: string;
  prettyName: string;
  consumerScope: ConsumerScope;
  clusterScopedIsolation: ClusterScopedIsolation;
  externalAddress?: string;
  externalCaFile?: string;
  externalServerName?: string;
  leaderElection: boolean;
  leaseNamespace: string;
  healthAddress: string;
  logLevel: string;
  controlPlaneMode: boolean;
  konnectorImage?: string;
}

export type ParsedCommandLine =
  | { kind: 'run'; options: BackendCommandLine }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

export const usage = `Usage: klutch-backend [flags]

The provider side of the binding engine: turns export requests into APIServiceExports, keeps
them in line with their CRDs, creates service namespaces and per-consumer RBAC, watches
konnector heartbeats and rotates consumer credentials.

Flags:
  --kubeconfig PATH                 kubeconfig of the control-plane cluster (default: $KUBECONFIG, then in-cluster)
  --namespace-prefix PREFIX         provider namespaces are named <PREFIX>-<8 characters> (default ${defaultNamespacePrefix})
  --pretty-name NAME                provider name shown to consumers (default "${defaultPrettyName}")
  --consumer-scope SCOPE            Namespaced or Cluster: where consumers may use exported resources (default Namespaced)
  --cluster-scoped-isolation MODE   Prefixed, Namespaced or None (default Prefixed). Only None exports cluster-scoped
                                    APIs, and namespaced ones with --consumer-scope Cluster: every consumer then
                                    reads all their objects and writes only its own (an explicit opt-in to sharing)
  --external-address URL            https URL of this API server as consumers reach it (default: the kubeconfig's server)
  --external-ca-file PATH           PEM CA bundle consumers should trust (default: the kubeconfig's CA)
  --external-server-name NAME       tls-server-name written into consumer kubeconfigs
  --leader-election=false           run the controllers without leader election (default: only while
                                    holding the Lease klutch-backend; also --leader-elect[=BOOL])
  --lease-namespace NAME            namespace of that Lease (default kube-system)
  --health-address HOST:PORT        serves /healthz, /readyz and /metrics (default 127.0.0.1:8090)
  --log-level LEVEL                 trace, debug, info, warn, error or silent (default info)
  --control-plane-mode              also reconcile AppClusterBindings: bind app clusters from the control plane
                                    and run their konnectors here (needs the AppClusterBinding CRD)
  --konnector-image IMAGE           image of the konnector Deployments of control-plane mode
                                    (default ${defaultKonnectorImage}; spec.konnector.overrides.image wins)
  -h, --help                        show this text
`;

/** Parses the program's flags; never exits, so it can be tested. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const election = takeLeaderElectionFlag(argv);
  if ('error' in election) return { kind: 'error', message: election.error };
  let values;
  try {
    ({ values } = parseArgs({
      args: election.rest,
      strict: true,
      allowPositionals: false,
      options: {
        kubeconfig: { type: 'string' },
        'namespace-prefix': { type: 'string', default: defaultNamespacePrefix },
        'pretty-name': { type: 'string', default: defaultPrettyName },
        'consumer-scope': { type: 'string', default: 'Namespaced' },
        'cluster-scoped-isolation': { type: 'string', default: 'Prefixed' },
        'external-address': { type: 'string' },
        'external-ca-file': { type: 'string' },
        'external-server-name': { type: 'string' },
        'lease-namespace': { type: 'string', default: 'kube-system' },
        'health-address': { type: 'string', default: '127.0.0.1:8090' },
        'log-level': { type: 'string', default: 'info' },
        'control-plane-mode': { type: 'boolean', default: false },
        'konnector-image': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    return { kind: 'error', message: `${err instanceof Error ? err.message : String(err)}\n\n${usage}` };
  }
  if (values.help) return { kind: 'help', text: usage };
  const fail = (message: string): ParsedCommandLine => ({ kind: 'error', message });

  const prefixProblem = namespacePrefixProblem(values['namespace-prefix']);
  if (prefixProblem) return fail(`--namespace-prefix: ${prefixProblem}`);
  if (!values['pretty-name'].trim()) return fail('--pretty-name must not be empty');
  const consumerScope = parseEnumValue(values['consumer-scope'], consumerScopes);
  if (!consumerScope)
    return fail(
      `--consumer-scope must be Namespaced or Cluster (any letter case), got ${JSON.stringify(values['consumer-scope'])}`,
    );
  const isolation = parseEnumValue(values['cluster-scoped-isolation'], clusterScopedIsolations);
  if (!isolation)
    return fail(
      `--cluster-scoped-isolation must be Prefixed, Namespaced or None (any letter case), got ${JSON.stringify(values['cluster-scoped-isolation'])}`,
    );
  const addressProblem = externalAddressProblem(values['external-address']);
  if (addressProblem) return fail(`--external-address: ${addressProblem}`);
  if (!logLevels.includes(values['log-level']))
    return fail(
      `--log-level must be one of ${logLevels.join(', ')}, got ${JSON.stringify(values['log-level'])}`,
    );
  const leaseNamespace = values['lease-namespace'];
  if (!isDnsLabel(leaseNamespace))
    return fail(`--lease-namespace ${JSON.stringify(leaseNamespace)} is not a valid namespace name`);
  const image = values['konnector-image'];
  if (image !== undefined && (!image.trim() || /\s/.test(image)))
    return fail(
      `--konnector-image must be an image reference such as klutch/konnector:0.1.0, got ${JSON.stringify(image)}`,
    );
  const address = values['health-address'];
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    return fail(`--health-address must be HOST:PORT, e.g. 127.0.0.1:8090, got ${JSON.stringify(address)}`);

  return {
    kind: 'run',
    options: {
      ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
      namespacePrefix: normalizeNamespacePrefix(values['namespace-prefix']),
      prettyName: values['pretty-name'],
      consumerScope,
      clusterScopedIsolation: isolation,
      ...(values['external-address'] !== undefined ? { externalAddress: values['external-address'] } : {}),
      ...(values['external-ca-file'] !== undefined ? { externalCaFile: values['external-ca-file'] } : {}),
      ...(values['external-server-name'] !== undefined
        ? { externalServerName: values['external-server-name'] }
        : {}),
      leaderElection: election.leaderElection,
      leaseNamespace,
      healthAddress: address,
      logLevel: values['log-level'],
      controlPlaneMode: values['control-plane-mode'],
      ...(values['konnector-image'] !== undefined ? { konnectorImage: values['konnector-image'] } : {}),
    },
  };
}
