import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientConfigurationError, displayUrl, parseBaseUrl } from './displayUrl.js';
import { tlsConnectOptions } from './tlsSettings.js';

describe('tlsConnectOptions', () => {
  it('verifies certificates by default', () => {
    assert.deepEqual(tlsConnectOptions({}, 'service broker'), { rejectUnauthorized: true });
  });

  it('refuses a CA bundle combined with insecureSkipVerify', () => {
    assert.throws(
      () =>
        tlsConnectOptions(
          { caPem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----', insecureSkipVerify: true },
          'service broker',
        ),
      (err: unknown) =>
        err instanceof ClientConfigurationError &&
        /combine a CA bundle with insecureSkipVerify/.test(err.userMessage),
    );
  });

  it('refuses a CA bundle without certificates or with unreadable ones', () => {
    assert.throws(
      () => tlsConnectOptions({ caPem: 'not a pem' }, 'backup manager'),
      /contains no PEM certificate/,
    );
    assert.throws(
      () =>
        tlsConnectOptions(
          { caPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' },
          'backup manager',
        ),
      /certificate 1 of the backup manager CA bundle cannot be read/,
    );
  });

  it('passes insecureSkipVerify and a server name override on', () => {
    assert.deepEqual(tlsConnectOptions({ insecureSkipVerify: true, serverName: ' broker.local ' }, 'x'), {
      rejectUnauthorized: false,
      servername: 'broker.local',
    });
  });
});

describe('base URLs', () => {
  it('drops credentials, query and trailing slashes from the display form', () => {
    assert.equal(
      displayUrl(new URL('https://admin:secret@broker.example.com:3000/osb/?x=1#f')),
      'https://broker.example.com:3000/osb',
    );
  });

  it('rejects other schemes and unparsable URLs without echoing credentials', () => {
    assert.throws(
      () => parseBaseUrl('ftp://broker', 'service broker'),
      /must start with http:\/\/ or https:\/\//,
    );
    assert.throws(
      () => parseBaseUrl('http://admin:secret@', 'service broker'),
      (err: unknown) =>
        err instanceof Error && !err.message.includes('secret') && /not a valid URL/.test(err.message),
    );
  });
});
