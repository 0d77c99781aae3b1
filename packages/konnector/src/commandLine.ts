import { parseArgs } from 'node:util';
import { isDnsLabel, isDnsSubdomain, logLevels, takeLeaderElectionFlag } from '@klutch/kube';
import { parseGoDuration } from './goDuration.js';

export interface KonnectorCommandLine {
  kubeconfig?: string;
  leaderElection: boolean;
  leaseName: string;
  leaseNamespace: string;
  logLevel: string;
  healthAddress: string;
  heartbeatIntervalMs?: number;
  informerSyncTimeoutMs?: number;
  /** Control-plane mode: --kubeconfig is the control plane; the app cluster's kubeconfig is in a Secret there. */
  controlPlane?: ControlPlaneModeOptions;
}

export interface ControlPlaneModeOptions {
  appClusterKubeconfigSecret: { namespace: string; name: string; key: string };
  bindingRootNamespace: string;
}

export type ParsedCommandLine =
  | { kind: 'run'; options: KonnectorCommandLine }
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string }
  | { kind: 'error'; message: string };

export const usage = `Usage: konnector [flags]

Runs in an app cluster: installs the APIs bound with APIServiceBindings, syncs their objects to
the service provider (spec up, status down), syncs claimed Secrets/ConfigMaps and heartbeats.

Flags:
  --kubeconfig PATH              kubeconfig of the app cluster (default: $KUBECONFIG, then in-cluster);
                                 in control-plane mode: of the control plane
  --leader-election=false        sync without leader election: only for a single konnector
                                 (default: only while holding the Lease; also --leader-elect[=BOOL])
  --lease-name NAME              Lease used for leader election (default klutch-bind)
  --lease-namespace NAME         namespace of the Lease (default: $POD_NAMESPACE, else kube-system)
  --health-address HOST:PORT     serves /healthz, /readyz and /metrics (default 127.0.0.1:8080)
  --log-level LEVEL              trace, debug, info, warn, error or silent (default info)
  --heartbeat-interval DURATION  heartbeat interval announced to the provider, Go syntax (default 5m0s)
  --informer-sync-timeout DUR    after this, InformersSynced=False/InformerSyncTimeout (default 2m30s)
  --control-plane-mode           run on the control plane: APIServiceBindings and the Lease live in
                                 --binding-root-namespace there, the app cluster is reached with the
                                 kubeconfig in a Secret (re-read when it changes, no restart needed)
  --app-cluster-kubeconfig-secret-name NAME       that Secret (required in control-plane mode)
  --app-cluster-kubeconfig-secret-namespace NS    its namespace (required in control-plane mode)
  --app-cluster-kubeconfig-secret-key KEY         its key (default kubeconfig)
  --binding-root-namespace NS    namespace of the APIServiceBindings (required in control-plane mode)
  --version                      print the version
  -h, --help                     show this text
`;

/** Parses the konnector's flags; never exits, so it can be tested. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ParsedCommandLine {
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
        'lease-name': { type: 'string', default: 'klutch-bind' },
        'lease-namespace': { type: 'string' },
        'health-address': { type: 'string', default: '127.0.0.1:8080' },
        'log-level': { type: 'string', default: 'info' },
        'heartbeat-interval': { type: 'string' },
        'informer-sync-timeout': { type: 'string' },
        'control-plane-mode': { type: 'boolean', default: false },
        'app-cluster-kubeconfig-secret-name': { type: 'string' },
        'app-cluster-kubeconfig-secret-namespace': { type: 'string' },
        'app-cluster-kubeconfig-secret-key': { type: 'string', default: 'kubeconfig' },
        'binding-root-namespace': { type: 'string' },
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    return { kind: 'error', message: `${err instanceof Error ? err.message : String(err)}\n\n${usage}` };
  }
  if (values.help) return { kind: 'help', text: usage };
  if (values.version) return { kind: 'version', text: 'konnector' };
  const logLevel = values['log-level'];
  if (!logLevels.includes(logLevel))
    return {
      kind: 'error',
      message: `--log-level must be one of ${logLevels.join(', ')}, got ${JSON.stringify(logLevel)}`,
    };
  const leaseName = values['lease-name'];
  if (!isDnsSubdomain(leaseName))
    return { kind: 'error', message: `--lease-name ${JSON.stringify(leaseName)} is not a valid object name` };
  const leaseNamespace = values['lease-namespace'] ?? env.POD_NAMESPACE ?? 'kube-system';
  if (!isDnsLabel(leaseNamespace))
    return {
      kind: 'error',
      message: `--lease-namespace ${JSON.stringify(leaseNamespace)} is not a valid namespace name`,
    };
  const address = values['health-address'];
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    return {
      kind: 'error',
      message: `--health-address must be HOST:PORT, e.g. 127.0.0.1:8080, got ${JSON.stringify(address)}`,
    };
  const options: KonnectorCommandLine = {
    leaderElection: election.leaderElection,
    leaseName,
    leaseNamespace,
    logLevel,
    healthAddress: address,
  };
  if (values.kubeconfig !== undefined) options.kubeconfig = values.kubeconfig;
  for (const [flag, field] of [
    ['heartbeat-interval', 'heartbeatIntervalMs'],
    ['informer-sync-timeout', 'informerSyncTimeoutMs'],
  ] as const) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const ms = parseGoDuration(raw);
    if (ms === undefined || ms < 1000)
      return {
        kind: 'error',
        message: `--${flag} must be a duration of at least 1s such as 30s or 5m0s, got ${JSON.stringify(raw)}`,
      };
    options[field] = ms;
  }
  if (values['control-plane-mode']) {
    const name = values['app-cluster-kubeconfig-secret-name'] ?? '';
    const namespace = values['app-cluster-kubeconfig-secret-namespace'] ?? '';
    const key = values['app-cluster-kubeconfig-secret-key'];
    const root = values['binding-root-namespace'] ?? '';
    const fail = (message: string): ParsedCommandLine => ({ kind: 'error', message });
    if (!isDnsSubdomain(name))
      return fail(
        `--control-plane-mode needs --app-cluster-kubeconfig-secret-name, the Secret with the app cluster's kubeconfig${name ? ` (${JSON.stringify(name)} is not a valid name)` : ''}`,
      );
    if (!isDnsLabel(namespace))
      return fail(
        `--control-plane-mode needs --app-cluster-kubeconfig-secret-namespace, the namespace of that Secret${namespace ? ` (${JSON.stringify(namespace)} is not a valid namespace)` : ''}`,
      );
    if (!key.trim()) return fail('--app-cluster-kubeconfig-secret-key must not be empty');
    if (!isDnsLabel(root))
      return fail(
        `--control-plane-mode needs --binding-root-namespace, the namespace of the APIServiceBindings${root ? ` (${JSON.stringify(root)} is not a valid namespace)` : ''}`,
      );
    options.controlPlane = {
      appClusterKubeconfigSecret: { namespace, name, key },
      bindingRootNamespace: root,
    };
  } else {
    for (const flag of [
      'app-cluster-kubeconfig-secret-name',
      'app-cluster-kubeconfig-secret-namespace',
      'binding-root-namespace',
    ] as const)
      if (values[flag] !== undefined)
        return { kind: 'error', message: `--${flag} is only used with --control-plane-mode` };
  }
  return { kind: 'run', options };
}
