import { X509Certificate } from 'node:crypto';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { ClientConfigurationError } from './displayUrl.js';

export interface TlsSettings {
  /** PEM bundle of CA certificates that sign the backend's certificate; trusted in addition to Node's root CAs. */
  caPem?: string;
  /** Skip certificate verification. Only for tests; cannot be combined with caPem. */
  insecureSkipVerify?: boolean;
  /** The name expected in the backend's certificate, when it differs from the URL host. */
  serverName?: string;
}

/** Options for undici's `connect` (node:tls), derived from validated settings. */
export interface TlsConnectOptions {
  secureContext?: SecureContext;
  rejectUnauthorized: boolean;
  servername?: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Validates TLS settings up front, so a bad CA bundle is reported as such and not as a handshake failure. */
export function tlsConnectOptions(settings: TlsSettings, what: string): TlsConnectOptions {
  const caPem = settings.caPem?.trim() ? settings.caPem : undefined;
  if (caPem !== undefined && settings.insecureSkipVerify) {
    throw new ClientConfigurationError(
      `the ${what} TLS settings combine a CA bundle with insecureSkipVerify; use one of them (the CA bundle is the safe choice)`,
    );
  }
  if (caPem !== undefined) {
    const blocks = caPem.match(PEM_CERTIFICATE) ?? [];
    if (blocks.length === 0) {
      throw new ClientConfigurationError(
        `the ${what} CA bundle contains no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks)`,
      );
    }
    for (const [i, block] of blocks.entries()) {
      try {
        new X509Certificate(block);
      } catch {
        throw new ClientConfigurationError(`certificate ${i + 1} of the ${what} CA bundle cannot be read`);
      }
    }
  }
  const serverName = settings.serverName?.trim() || undefined;
  return {
    // One secure context for all connections: parsing the CA list per connection is wasted work.
    ...(caPem !== undefined
      ? { secureContext: createSecureContext({ ca: [...rootCertificates, caPem] }) }
      : {}),
    rejectUnauthorized: !settings.insecureSkipVerify,
    ...(serverName !== undefined ? { servername: serverName } : {}),
  };
}
