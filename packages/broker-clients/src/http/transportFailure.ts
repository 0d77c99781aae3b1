/**
 * Why a request got no HTTP answer. `requestSent` says whether the backend may have
 * received (and acted on) the request: a refused connection or a failed TLS handshake
 * certainly did not reach it, a reset or a timeout after sending may have.
 */
export class TransportFailure extends Error {
  readonly kind: 'timeout' | 'unreachable';
  readonly requestSent: boolean;
  /** A short, credential-free description such as "connect ECONNREFUSED 127.0.0.1:3000". */
  readonly detail: string;

  constructor(kind: 'timeout' | 'unreachable', requestSent: boolean, detail: string, options?: ErrorOptions) {
    super(detail, options);
    this.name = 'TransportFailure';
    this.kind = kind;
    this.requestSent = requestSent;
    this.detail = detail;
  }
}

/** Error codes of failures that happen before a single byte of the request is written. */
const CONNECT_PHASE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

const UNTRUSTED_ISSUER_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('CERT_') ||
    code.startsWith('UNABLE_TO_') ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code === 'HOSTNAME_MISMATCH'
  );
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function codeOf(err: ErrorLike): string | undefined {
  return typeof err.code === 'string' ? err.code : undefined;
}

function messageOf(err: ErrorLike): string {
  const own = typeof err.message === 'string' ? err.message.trim() : '';
  if (own) return own;
  // Happy-eyeballs connects fail with an AggregateError whose own message is empty.
  if (Array.isArray(err.errors)) {
    for (const inner of err.errors as unknown[]) {
      if (typeof inner === 'object' && inner !== null) {
        const m = messageOf(inner);
        if (m) return m;
      }
    }
  }
  return 'unknown error';
}

/**
 * Classifies an error thrown by the HTTP stack (undici, node:net, node:tls). The
 * resulting detail is derived from error codes and node's own short messages, which
 * name addresses but never headers, so credentials cannot leak into it.
 */
export function classifyTransportError(err: unknown): TransportFailure {
  if (err instanceof TransportFailure) return err;
  const e: ErrorLike = typeof err === 'object' && err !== null ? err : { message: String(err) };
  // undici wraps some socket errors; the innermost code is the informative one.
  const inner = typeof e.cause === 'object' && e.cause !== null && codeOf(e.cause) ? e.cause : e;
  const code = codeOf(inner) ?? codeOf(e) ?? '';
  const message = messageOf(inner);
  const options = { cause: err };
  if (TIMEOUT_CODES.has(code))
    return new TransportFailure('timeout', true, `no answer in time (${message})`, options);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TransportFailure('unreachable', false, 'connect timed out', options);
  }
  if (isTlsCode(code)) {
    // Node suggests a command-line flag here, which is no help to whoever reads a condition.
    const plain = message.replace(/;\s*if the root CA is installed locally.*$/s, '');
    const advice = UNTRUSTED_ISSUER_CODES.has(code)
      ? '; configure the CA bundle that signed its certificate'
      : '';
    return new TransportFailure('unreachable', false, `TLS: ${plain}${advice}`, options);
  }
  if (CONNECT_PHASE_CODES.has(code)) return new TransportFailure('unreachable', false, message, options);
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE') {
    return new TransportFailure(
      'unreachable',
      true,
      `the connection was closed before a complete answer arrived (${message})`,
      options,
    );
  }
  return new TransportFailure('unreachable', true, message, options);
}
