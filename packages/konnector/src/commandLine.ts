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
  --kubeconfig PATH              kubeconfig of the app cluster (default: $KUBECONFIG, then in-cluster)
  --leader-election=false        sync without leader election: only for a single konnector
                                 (default: only while holding the Lease; also --leader-elect[=BOOL])
  --lease-name NAME              Lease used for leader election (default klutch-bind)
  --lease-namespace NAME         namespace of the Lease (default: $POD_NAMESPACE, else kube-system)
  --health-address HOST:PORT     serves /healthz, /readyz and /metrics (default 127.0.0.1:8080)
  --log-level LEVEL              trace, debug, info, warn, error or silent (default info)
  --heartbeat-interval DURATION  heartbeat interval announced to the provider, Go syntax (default 5m0s)
  --informer-sync-timeout DUR    after this, InformersSynced=False/InformerSyncTimeout (default 2m30s)
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
  return { kind: 'run', options };
}
