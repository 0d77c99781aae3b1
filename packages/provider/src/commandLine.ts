import { parseArgs } from 'node:util';
import { logLevels, takeLeaderElectionFlag } from '@klutch/kube';
import { parseDuration } from './durations.js';

export interface ProviderCommandLine {
  /** Undefined: $KUBECONFIG, else in-cluster. */
  kubeconfig?: string;
  leaderElection: boolean;
  leaderElectionNamespace: string;
  healthAddress: string;
  pollIntervalMs: number;
  maxReconcileRate: number;
  logLevel: string;
  healthCheckIntervalMs: number;
  healthCheckRetryIntervalMs: number;
  operationPollIntervalMs: number;
  help: boolean;
}

export const usage = `Usage: klutch-provider [flags]

Reconciles dataservices.anynines.com managed resources (ServiceInstance, ServiceBinding, Backup,
Restore) through OSB service brokers and backup managers, and checks ProviderConfig health.

Flags:
  --kubeconfig PATH                   kubeconfig to use (default: $KUBECONFIG, else in-cluster)
  --leader-election=false             run the controllers without leader election (default: only while
                                      holding the Lease klutch-provider; also -l, --leader-elect[=BOOL],
                                      --no-leader-election and $LEADER_ELECTION)
  --leader-election-namespace NS      namespace of the Lease (default: $POD_NAMESPACE or klutch-system)
  --health-address HOST:PORT          /healthz, /readyz, /metrics, /backend-health (default 127.0.0.1:8081)
  --poll DURATION                     re-observe Ready resources this often (default 1m)
  --max-reconcile-rate N              concurrent reconciles per kind (default 10)
  --log-level LEVEL                   trace, debug, info, warn, error or silent (default info)
  --health-check-interval DURATION    re-check a healthy backend after (default 3m)
  --health-check-retry-interval DURATION  re-check an unhealthy backend after (default 30s)
  --operation-poll-interval DURATION  poll a broker operation without Retry-After this often (default 10s)
  --help                              print this help
`;

/** Parses the provider's flags; throws with a message naming the bad flag. */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): ProviderCommandLine {
  const election = takeLeaderElectionFlag(argv, { shortAliases: ['-l'], envValue: env.LEADER_ELECTION });
  if ('error' in election) throw new Error(election.error);
  const { values } = parseArgs({
    args: election.rest,
    strict: true,
    allowPositionals: false,
    options: {
      kubeconfig: { type: 'string' },
      'leader-election-namespace': { type: 'string' },
      'health-address': { type: 'string', default: '127.0.0.1:8081' },
      poll: { type: 'string', default: '1m' },
      'max-reconcile-rate': { type: 'string', default: '10' },
      'log-level': { type: 'string', default: env.LOG_LEVEL ?? 'info' },
      'health-check-interval': { type: 'string', default: '3m' },
      'health-check-retry-interval': { type: 'string', default: '30s' },
      'operation-poll-interval': { type: 'string', default: '10s' },
      help: { type: 'boolean', default: false },
    },
  });
  const duration = (flag: string, v: string) => {
    try {
      const ms = parseDuration(v);
      if (ms <= 0) throw new Error('must be positive');
      return ms;
    } catch (err) {
      throw new Error(`--${flag}: ${(err as Error).message}`, { cause: err });
    }
  };
  const rate = Number(values['max-reconcile-rate']);
  if (!Number.isInteger(rate) || rate < 1 || rate > 1000) {
    throw new Error(
      `--max-reconcile-rate: expected a whole number from 1 to 1000, got ${JSON.stringify(values['max-reconcile-rate'])}`,
    );
  }
  if (!logLevels.includes(values['log-level'])) {
    throw new Error(
      `--log-level: expected one of ${logLevels.join(', ')}, got ${JSON.stringify(values['log-level'])}`,
    );
  }
  const kubeconfig = values.kubeconfig ?? (env.KUBECONFIG || undefined);
  return {
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    leaderElection: election.leaderElection,
    leaderElectionNamespace: values['leader-election-namespace'] ?? (env.POD_NAMESPACE || 'klutch-system'),
    healthAddress: values['health-address'],
    pollIntervalMs: duration('poll', values.poll),
    maxReconcileRate: rate,
    logLevel: values['log-level'],
    healthCheckIntervalMs: duration('health-check-interval', values['health-check-interval']),
    healthCheckRetryIntervalMs: duration(
      'health-check-retry-interval',
      values['health-check-retry-interval'],
    ),
    operationPollIntervalMs: duration('operation-poll-interval', values['operation-poll-interval']),
    help: values.help,
  };
}
