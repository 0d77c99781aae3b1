// The provider program: `node --conditions=source --import tsx packages/provider/src/main.ts --help`.
import { createLogger } from '@klutch/kube';
import { parseCommandLine, usage } from './commandLine.js';
import { startProvider } from './provider.js';

async function main(argv: string[]): Promise<number> {
  let cmd;
  try {
    cmd = parseCommandLine(argv);
  } catch (err) {
    process.stderr.write(`klutch-provider: ${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  if (cmd.help) {
    process.stdout.write(usage);
    return 0;
  }
  const logger = createLogger({ name: 'klutch-provider', level: cmd.logLevel });
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      logger.info({ signal: sig }, 'shutting down');
      stop.abort(new Error(`received ${sig}`));
    });
  }
  try {
    const provider = await startProvider({
      ...(cmd.kubeconfig !== undefined ? { kubeconfigPath: cmd.kubeconfig } : {}),
      logger,
      signal: stop.signal,
      pollIntervalMs: cmd.pollIntervalMs,
      operationPollIntervalMs: cmd.operationPollIntervalMs,
      workers: cmd.maxReconcileRate,
      healthAddress: cmd.healthAddress,
      healthIntervals: { healthyMs: cmd.healthCheckIntervalMs, unhealthyMs: cmd.healthCheckRetryIntervalMs },
      ...(cmd.leaderElection ? { leaderElection: { namespace: cmd.leaderElectionNamespace } } : {}),
    });
    await provider.done;
    return 0;
  } catch (err) {
    logger.fatal({ err }, 'provider failed');
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
