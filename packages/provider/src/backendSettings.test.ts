import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readBackendSettings, type SettingsSources } from './backendSettings.js';
import type { ProviderConfigObject, SecretObject } from './managedResources.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function sources(
  pcs: ProviderConfigObject[],
  secrets: SecretObject[],
  extra: Partial<SettingsSources> = {},
): SettingsSources {
  return {
    getProviderConfig: (name) => Promise.resolve(pcs.find((p) => p.metadata.name === name)),
    getSecret: (ns, name) =>
      Promise.resolve(secrets.find((s) => s.metadata.namespace === ns && s.metadata.name === name)),
    ...extra,
  };
}

const ref = (key: string) => ({ secretRef: { namespace: 'crossplane-system', name: 'pg-creds', key } });
const pc = (
  name: string,
  spec: Partial<NonNullable<ProviderConfigObject['spec']>> = {},
): ProviderConfigObject => ({
  metadata: { name },
  spec: {
    url: 'http://127.0.0.1:3000',
    providerCredentials: { source: 'Secret', username: ref('username'), password: ref('password') },
    ...spec,
  },
});
const secret: SecretObject = {
  metadata: { namespace: 'crossplane-system', name: 'pg-creds' },
  data: { username: b64(' admin\n'), password: b64('s3cret\n'), 'ca.crt': b64('PEM') },
};

void describe('readBackendSettings', () => {
  void it('reads URL and trimmed credentials', async () => {
    const s = await readBackendSettings(
      'postgresql-service-broker',
      sources([pc('postgresql-service-broker')], [secret]),
    );
    assert.equal(s.url, 'http://127.0.0.1:3000');
    assert.equal(s.username, 'admin');
    assert.equal(s.password, 's3cret');
    assert.equal(s.serviceType, 'servicebroker');
    assert.equal(s.healthCheckEndpoint, '/v2/catalog');
  });

  void it('infers the backup-manager type from the name', async () => {
    const s = await readBackendSettings(
      'postgresql-backup-manager',
      sources([pc('postgresql-backup-manager')], [secret]),
    );
    assert.equal(s.serviceType, 'backupmanager');
  });

  void it('says how to fix a missing ProviderConfig', async () => {
    await assert.rejects(readBackendSettings('postgresql-service-broker', sources([], [])), {
      name: 'ProviderConfigError',
      message:
        'ProviderConfig "postgresql-service-broker" not found: create it (see docs/provider.md#providerconfig)',
    });
  });

  void it('names a missing Secret and key', async () => {
    await assert.rejects(readBackendSettings('x', sources([pc('x')], [])), (err: Error) => {
      assert.match(err.message, /Secret "crossplane-system\/pg-creds" referenced by ProviderConfig "x"/);
      assert.match(err.message, /not found: create it with the key "username"/);
      return true;
    });
    const noKey = { ...secret, data: { username: b64('a') } };
    await assert.rejects(readBackendSettings('x', sources([pc('x')], [noKey])), /has no key "password"/);
  });

  void it('reads the CA bundle with the default key and the TLS options', async () => {
    const s = await readBackendSettings(
      'x',
      sources(
        [
          pc('x', {
            tls: {
              caBundleSecretRef: { namespace: 'crossplane-system', name: 'pg-creds' },
              overrideServerName: 'broker.local',
            },
          }),
        ],
        [secret],
      ),
    );
    assert.equal(s.caPem, 'PEM');
    assert.equal(s.serverName, 'broker.local');
    assert.equal(s.insecureSkipVerify, undefined);
  });

  void it('supports environment credentials and no credentials', async () => {
    const envPc = pc('x', {
      providerCredentials: {
        source: 'Environment',
        username: { env: { name: 'U' } },
        password: { env: { name: 'P' } },
      },
    });
    const s = await readBackendSettings('x', sources([envPc], [], { env: { U: 'u', P: ' p ' } }));
    assert.equal(s.password, 'p');
    await assert.rejects(
      readBackendSettings('x', sources([envPc], [], { env: {} })),
      /environment variable U/,
    );
    const none = pc('x', { providerCredentials: { source: 'None', username: {}, password: {} } });
    const n = await readBackendSettings('x', sources([none], []));
    assert.equal(n.username, undefined);
  });

  void it('changes the fingerprint when a credential changes', async () => {
    const a = await readBackendSettings('x', sources([pc('x')], [secret]));
    const b = await readBackendSettings(
      'x',
      sources([pc('x')], [{ ...secret, data: { ...secret.data, password: b64('other') } }]),
    );
    const c = await readBackendSettings('x', sources([pc('x')], [secret]));
    assert.notEqual(a.fingerprint, b.fingerprint);
    assert.equal(a.fingerprint, c.fingerprint);
  });
});
