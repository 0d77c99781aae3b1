import { createLogger } from '@klutch/kube';
import { parseCommandLine } from './commandLine.js';
import { compositionComponent, startComposition } from './startComposition.js';

const parsed = parseCommandLine(process.argv.slice(2));
if (parsed.kind === 'help') {
  process.stdout.write(parsed.text);
  process.exit(0);
}
if (parsed.kind === 'error') {
  process.stderr.write(`klutch-composition: ${parsed.message}\n`);
  process.exit(2);
}
const { options } = parsed;
const logger = createLogger({ name: compositionComponent, level: options.logLevel });
const stop = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    logger.info({ signal: sig }, 'shutting down');
    stop.abort();
  });
}

try {
  const composition = await startComposition({
    ...(options.kubeconfig !== undefined ? { kubeconfigPath: options.kubeconfig } : {}),
    logger,
    signal: stop.signal,
    connectionSecretNamespace: options.connectionSecretNamespace,
    workers: options.workers,
    leaderElection: options.leaderElection
      ? options.leaderElectionNamespace !== undefined
        ? { namespace: options.leaderElectionNamespace }
        : true
      : false,
    healthAddress: options.healthAddress,
  });
  await composition.done;
} catch (err) {
  logger.fatal({ err }, 'klutch-composition failed');
  process.exitCode = 1;
}
