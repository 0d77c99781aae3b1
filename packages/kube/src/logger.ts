import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Keys whose values are secret wherever they appear in a log record. pino's
 * redaction works on paths, so the common nestings are listed explicitly.
 * Secret objects themselves are never logged (their `data` is not listed
 * here because ConfigMaps and other objects share the key).
 */
const SECRET_KEYS = [
  'password',
  'token',
  'authorization',
  'cookie',
  'kubeconfig',
  'clientSecret',
  'client_secret',
  'credentials',
  'stringData',
  'privateKey',
  'bearerToken',
];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [
  k,
  `*.${k}`,
  `*.*.${k}`,
  `headers.${k}`,
  `req.headers.${k}`,
]);

export interface LoggerConfig {
  /** trace, debug, info, warn, error, fatal or silent (default info, or $LOG_LEVEL). */
  level?: string;
  /** The component name, e.g. konnector. */
  name?: string;
  /** Where JSON lines go (default stdout). Tests pass a stream to inspect. */
  destination?: DestinationStream;
}

/**
 * A JSON-lines logger. Secrets under well-known keys (tokens, passwords,
 * kubeconfigs, Secret data) are replaced by "[redacted]" before writing.
 * Controllers receive a child logger: `logger.child({ controller: 'x' })`.
 */
export function createLogger(cfg: LoggerConfig = {}): Logger {
  const opts: LoggerOptions = {
    level: cfg.level ?? process.env.LOG_LEVEL ?? 'info',
    name: cfg.name,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    base: { pid: process.pid },
  };
  return cfg.destination ? pino(opts, cfg.destination) : pino(opts);
}

/** A logger that writes nothing (for tests of code that requires one). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
