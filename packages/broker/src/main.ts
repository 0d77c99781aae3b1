import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { BrokerConfigError, validateBrokerOptions } from './brokerOptions.js';
import { UsageError, parseBrokerCommandLine, usage } from './cli/brokerCommandLine.js';

// The broker program: node --conditions=source --import tsx packages/broker/src/main.ts [flags]
async function main(): Promise<number> {
  let command;
  try {
    command = parseBrokerCommandLine(process.argv.slice(2), process.env, homedir());
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`klutch-broker: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (command.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  let tls: { cert: Buffer; key: Buffer } | undefined;
  try {
    if (command.tlsFiles) {
      tls = { cert: await readFile(command.tlsFiles.cert), key: await readFile(command.tlsFiles.key) };
    }
  } catch (err) {
    process.stderr.write(`klutch-broker: cannot read the TLS files: ${(err as Error).message}\n`);
    return 2;
  }
  const options = { ...command.options, tls };
  try {
    validateBrokerOptions(options);
  } catch (err) {
    process.stderr.write(`klutch-broker: configuration error: ${(err as Error).message}\n`);
    return 2;
  }
  // Loaded only now: the runtime is large, and configuration errors should answer at once.
  const [{ createLogger }, { startBroker }] = await Promise.all([
    import('@klutch/kube'),
    import('./startBroker.js'),
  ]);
  const logger = createLogger({ name: 'klutch-broker', level: process.env.LOG_LEVEL ?? command.logLevel });
  let broker;
  try {
    broker = await startBroker({ ...options, logger });
  } catch (err) {
    const configuration = err instanceof BrokerConfigError;
    process.stderr.write(
      `klutch-broker: ${configuration ? 'configuration error' : 'cannot start'}: ${(err as Error).message}\n`,
    );
    return configuration ? 2 : 1;
  }
  const running = broker;
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'stopping');
      void running.stop().then(resolve, resolve);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  return 0;
}

process.exitCode = await main();
