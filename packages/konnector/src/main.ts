import { createLogger } from '@klutch/kube';
import { parseCommandLine } from './commandLine.js';
import { konnectorComponent, konnectorVersion } from './konnectorNames.js';
import { startKonnector } from './startKonnector.js';

const parsed = parseCommandLine(process.argv.slice(2), process.env);
if (parsed.kind === 'help') {
  process.stdout.write(parsed.text);
  process.exit(0);
}
if (parsed.kind === 'version') {
  process.stdout.write(`${konnectorVersion}\n`);
  process.exit(0);
}
if (parsed.kind === 'error') {
  process.stderr.write(`konnector: ${parsed.message}\n`);
  process.exit(2);
}
const { options } = parsed;
const logger = createLogger({ name: konnectorComponent, level: options.logLevel });

try {
  const konnector = await startKonnector({
    ...(options.kubeconfig !== undefined ? { kubeconfigPath: options.kubeconfig } : {}),
    logger,
    leaderElection: options.leaderElection,
    leaseName: options.leaseName,
    leaseNamespace: options.leaseNamespace,
    healthAddress: options.healthAddress,
    ...(options.controlPlane ? { controlPlane: options.controlPlane } : {}),
    ...(options.heartbeatIntervalMs !== undefined
      ? { heartbeatIntervalMs: options.heartbeatIntervalMs }
      : {}),
    ...(options.informerSyncTimeoutMs !== undefined
      ? { informerSyncTimeoutMs: options.informerSyncTimeoutMs }
      : {}),
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      logger.info({ signal: sig }, 'shutting down');
      void konnector.stop();
    });
  }
  await konnector.done;
} catch (err) {
  logger.fatal({ err }, 'konnector failed');
  process.exitCode = 1;
}
