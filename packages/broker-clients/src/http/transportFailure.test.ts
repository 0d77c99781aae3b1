import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyTransportError } from './transportFailure.js';

function errno(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyTransportError', () => {
  it('treats a refused connection as unreachable and never sent', () => {
    const f = classifyTransportError(errno('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'));
    assert.equal(f.kind, 'unreachable');
    assert.equal(f.requestSent, false);
    assert.equal(f.detail, 'connect ECONNREFUSED 127.0.0.1:9');
  });

  it('reads the message of an AggregateError from happy-eyeballs connects', () => {
    const agg = Object.assign(new AggregateError([errno('ECONNREFUSED', 'connect ECONNREFUSED ::1:9')], ''), {
      code: 'ECONNREFUSED',
    });
    const f = classifyTransportError(agg);
    assert.equal(f.requestSent, false);
    assert.equal(f.detail, 'connect ECONNREFUSED ::1:9');
  });

  it('treats a reset after sending as possibly received', () => {
    const f = classifyTransportError(errno('UND_ERR_SOCKET', 'other side closed'));
    assert.equal(f.kind, 'unreachable');
    assert.equal(f.requestSent, true);
    assert.match(f.detail, /closed before a complete answer arrived \(other side closed\)/);
    assert.equal(classifyTransportError(errno('ECONNRESET', 'read ECONNRESET')).requestSent, true);
  });

  it('reports TLS failures as such, before sending', () => {
    const f = classifyTransportError(
      errno('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
    );
    assert.equal(f.requestSent, false);
    assert.equal(
      f.detail,
      'TLS: self-signed certificate in certificate chain; configure the CA bundle that signed its certificate',
    );
    const hinted = classifyTransportError(
      errno(
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        'unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca',
      ),
    );
    assert.equal(
      hinted.detail,
      'TLS: unable to verify the first certificate; configure the CA bundle that signed its certificate',
    );
    assert.equal(classifyTransportError(errno('ERR_TLS_CERT_ALTNAME_INVALID', 'x')).requestSent, false);
  });

  it('classifies undici timeouts as timeouts', () => {
    const f = classifyTransportError(errno('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'));
    assert.equal(f.kind, 'timeout');
    assert.equal(f.requestSent, true);
    const c = classifyTransportError(errno('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'));
    assert.equal(c.kind, 'unreachable');
    assert.equal(c.requestSent, false);
  });

  it('prefers the code of a wrapped cause', () => {
    const wrapped = Object.assign(new Error('fetch failed'), {
      cause: errno('ENOTFOUND', 'getaddrinfo ENOTFOUND x'),
    });
    const f = classifyTransportError(wrapped);
    assert.equal(f.requestSent, false);
    assert.equal(f.detail, 'getaddrinfo ENOTFOUND x');
  });
});
