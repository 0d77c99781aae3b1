import { readFileSync } from 'node:fs';
import { createLogger } from '@klutch/kube';
import { backendComponent, startBackend } from './backend.js';
import { parseCommandLine } from './commandLine.js';

const parsed = parseCommandLine(process.argv.slice(2));
if (parsed.kind === 'help') {
  process.stdout.write(parsed.text);
  process.exit(0);
}
if (parsed.kind === 'error') {
  process.stderr.write(`${backendComponent}: ${parsed.message}\n`);
  process.exit(2);
}
const { options } = parsed;
const logger = createLogger({ name: backendComponent, level: options.logLevel });

let externalCaPem: string | undefined;
if (options.externalCaFile !== undefined) {
  try {
    externalCaPem = readFileSync(options.externalCaFile, 'utf8');
  } catch (err) {
    process.stderr.write(
      `${backendComponent}: --external-ca-file ${options.externalCaFile} cannot be read: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(2);
  }
  if (!externalCaPem.includes('-----BEGIN CERTIFICATE-----')) {
    process.stderr.write(
      `${backendComponent}: --external-ca-file ${options.externalCaFile} holds no PEM certificate\n`,
    );
    process.exit(2);
  }
}

try {
  const backend = await startBackend({
    ...(options.kubeconfig !== undefined ? { kubeconfigPath: options.kubeconfig } : {}),
    logger,
    namespacePrefix: options.namespacePrefix,
    prettyName: options.prettyName,
    consumerScope: options.consumerScope,
    clusterScopedIsolation: options.clusterScopedIsolation,
    ...(options.externalAddress !== undefined ? { externalAddress: options.externalAddress } : {}),
    ...(externalCaPem !== undefined ? { externalCaPem } : {}),
    ...(options.externalServerName !== undefined ? { externalServerName: options.externalServerName } : {}),
    ...(options.leaderElection ? { leaderElection: { namespace: options.leaseNamespace } } : {}),
    healthAddress: options.healthAddress,
    ...(options.controlPlaneMode
      ? {
          controlPlaneMode:
            options.konnectorImage !== undefined ? { konnectorImage: options.konnectorImage } : {},
        }
      : {}),
  });
  logger.info(
    {
      health: backend.healthUrl,
      consumerScope: options.consumerScope,
      controlPlaneMode: options.controlPlaneMode,
    },
    'klutch-backend started',
  );
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      logger.info({ signal: sig }, 'shutting down');
      void backend.stop();
    });
  }
} catch (err) {
  logger.fatal({ err }, 'klutch-backend failed to start');
  process.exitCode = 1;
}
