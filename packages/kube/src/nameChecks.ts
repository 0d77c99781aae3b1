/** The log levels every program's `--log-level` accepts (pino's, plus silent). */
export const logLevels: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

const dnsLabelPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS label (RFC 1123), as namespace names must be: lower-case alphanumerics and '-', at most 63. */
export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && dnsLabelPattern.test(value);
}

/** A DNS subdomain (RFC 1123), as most object names must be: dot-separated labels, at most 253. */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => dnsLabelPattern.test(label));
}
