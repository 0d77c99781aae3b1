import { parseArgs } from 'node:util';
import { isDnsLabel, logLevels, takeLeaderElectionFlag } from '@klutch/kube';
import { defaultConnectionSecretNamespace } from './startComposition.js';

export interface CompositionCommandLine {
  kubeconfig?: string;
  connectionSecretNamespace: string;
  leaderElection: boolean;
  leaderElectionNamespace?: string;
  healthAddress: string;
  logLevel: string;
  workers: number;
}

export type ParsedCommandLine =
  | { kind: 'run'; options: CompositionCommandLine }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

export const usage = `Usage: klutch-composition [flags]

Turns the app-facing anynines.com objects (instances, ServiceBindings, Backups, Restores) into
dataservices.anynines.com managed resources and reports their state back.

Flags:
  --kubeconfig PATH                    kubeconfig of the control-plane cluster (default: $KUBECONFIG, then in-cluster)
  --connection-secret-namespace NAME   where the provider writes connection Secrets; created if missing (default ${defaultConnectionSecretNamespace})
  --leader-election=false              run the controllers without leader election (default: only while
                                       holding the Lease klutch-composition; also --leader-elect[=BOOL])
  --leader-election-namespace NAME     namespace of that Lease (default: the connection-secret namespace)
  --health-address HOST:PORT           serves /healthz, /readyz and /metrics (default 127.0.0.1:8082)
  --log-level LEVEL                    trace, debug, info, warn, error or silent (default info)
  --workers N                          parallel reconciles per kind, 1-64 (default 2)
  -h, --help                           show this text
`;

function namespaceProblem(flag: string, value: string): string | undefined {
  return isDnsLabel(value)
    ? undefined
    : `${flag} ${JSON.stringify(value)} is not a valid namespace name (lower-case letters, digits and '-', at most 63 characters)`;
}

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
        'connection-secret-namespace': { type: 'string', default: defaultConnectionSecretNamespace },
        'leader-election-namespace': { type: 'string' },
        'health-address': { type: 'string', default: '127.0.0.1:8082' },
        'log-level': { type: 'string', default: 'info' },
        workers: { type: 'string', default: '2' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    return { kind: 'error', message: `${err instanceof Error ? err.message : String(err)}\n\n${usage}` };
  }
  if (values.help) return { kind: 'help', text: usage };

  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    return {
      kind: 'error',
      message: `--workers must be a whole number from 1 to 64, got ${JSON.stringify(values.workers)}`,
    };
  if (!logLevels.includes(values['log-level']))
    return {
      kind: 'error',
      message: `--log-level must be one of ${logLevels.join(', ')}, got ${JSON.stringify(values['log-level'])}`,
    };
  const address = values['health-address'];
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    return {
      kind: 'error',
      message: `--health-address must be HOST:PORT, e.g. 127.0.0.1:8082, got ${JSON.stringify(address)}`,
    };
  const connectionSecretNamespace = values['connection-secret-namespace'];
  const problem =
    namespaceProblem('--connection-secret-namespace', connectionSecretNamespace) ??
    (values['leader-election-namespace'] !== undefined
      ? namespaceProblem('--leader-election-namespace', values['leader-election-namespace'])
      : undefined);
  if (problem) return { kind: 'error', message: problem };

  return {
    kind: 'run',
    options: {
      ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
      connectionSecretNamespace,
      leaderElection: election.leaderElection,
      ...(values['leader-election-namespace'] !== undefined
        ? { leaderElectionNamespace: values['leader-election-namespace'] }
        : {}),
      healthAddress: address,
      logLevel: values['log-level'],
      workers,
    },
  };
}
