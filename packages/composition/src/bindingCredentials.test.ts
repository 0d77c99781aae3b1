import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Secret, ServiceBindingClaim } from './composedObjects.js';
import { isDnsSubdomain } from '@klutch/kube';
import {
  credentialsSecretName,
  credentialsUpToDate,
  desiredCredentialsSecret,
  isCredentialsSecretOf,
  servicebindingData,
} from './bindingCredentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const decode = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
const encode = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)]));

const binding: ServiceBindingClaim = {
  apiVersion: 'anynines.com/v1',
  kind: 'ServiceBinding',
  metadata: { name: 'app', namespace: 'team-a', uid: 'binding-uid' },
  spec: { instanceRef: 'db', serviceInstanceType: 'postgresql' },
};

describe('servicebinding.io credentials', () => {
  it('PostgreSQL: well-known keys plus every broker key', () => {
    const broker = {
      host: '127.0.0.1',
      port: '5432',
      username: 'u1',
      password: 'p1',
      database: 'd1',
      uri: 'postgres://u1:p1@127.0.0.1:5432/d1',
      jdbcUrl: 'jdbc:postgresql://127.0.0.1:5432/d1',
    };
    assert.deepEqual(decode(servicebindingData('postgresql', encode(broker))), {
      ...broker,
      type: 'postgresql',
      provider: 'klutch',
    });
  });

  it('derives the well-known entries from alternative broker keys', () => {
    const broker = {
      hostname: 'h',
      port: '3306',
      user: 'u',
      password: 'p',
      name: 'n',
      url: 'mysql://u:p@h:3306/n',
      'tls.ca': 'PEM',
      hosts: '["h1:1","h2:2"]',
    };
    assert.deepEqual(decode(servicebindingData('mariadb', encode(broker))), {
      ...broker,
      host: 'h',
      username: 'u',
      database: 'n',
      uri: 'mysql://u:p@h:3306/n',
      type: 'mariadb',
      provider: 'klutch',
    });
  });

  it('prefers the primary key over the alternative one, and leaves out what the broker lacks', () => {
    const data = decode(
      servicebindingData('keyvalue', encode({ host: 'a', hostname: 'b', db: 'x', database: 'y' })),
    );
    assert.equal(data.host, 'a');
    assert.equal(data.database, 'y');
    assert.equal('username' in data, false);
    assert.equal('uri' in data, false);
  });

  it('types key-value credentials redis and messaging credentials rabbitmq, as client libraries expect', () => {
    assert.equal(decode(servicebindingData('keyvalue', encode({ type: 'redis' }))).type, 'redis');
    assert.equal(decode(servicebindingData('messaging', encode({}))).type, 'rabbitmq');
  });

  it('type and provider are the servicebinding.io values even if the broker sends its own', () => {
    const data = decode(servicebindingData('search', encode({ type: 'opensearch', provider: 'anynines' })));
    assert.equal(data.type, 'search');
    assert.equal(data.provider, 'klutch');
  });

  it('types messaging credentials as rabbitmq, the well-known servicebinding.io type', () => {
    assert.equal(decode(servicebindingData('messaging', encode({ vhost: 'v' }))).type, 'rabbitmq');
  });
});

describe('credentials Secret', () => {
  it('is owned by the binding, typed for servicebinding.io and labelled', () => {
    const secret = desiredCredentialsSecret(binding, encode({ host: 'h' }));
    assert.equal(secret.metadata.name, 'app-creds');
    assert.equal(secret.metadata.namespace, 'team-a');
    assert.equal(secret.type, 'servicebinding.io/postgresql');
    assert.deepEqual(secret.metadata.ownerReferences, [
      {
        apiVersion: 'anynines.com/v1',
        kind: 'ServiceBinding',
        name: 'app',
        uid: 'binding-uid',
        controller: true,
      },
    ]);
    assert.equal(isCredentialsSecretOf(secret, binding), true);
    assert.equal(
      isCredentialsSecretOf(secret, { ...binding, metadata: { ...binding.metadata, uid: 'other' } }),
      false,
    );
    assert.equal(isCredentialsSecretOf({ metadata: { name: 'app-creds' } }, binding), false);
  });

  it('is up to date only with the same type, label and data', () => {
    const desired = desiredCredentialsSecret(binding, encode({ host: 'h', password: 'p' }));
    const stored: Secret = structuredClone(desired);
    assert.equal(credentialsUpToDate(stored, desired), true);
    assert.equal(
      credentialsUpToDate({ ...stored, data: { ...stored.data, password: b64('rotated') } }, desired),
      false,
    );
    assert.equal(
      credentialsUpToDate({ ...stored, data: { ...stored.data, extra: b64('x') } }, desired),
      false,
    );
    assert.equal(credentialsUpToDate({ ...stored, type: 'Opaque' }, desired), false);
  });
});

describe('credentials Secret name', () => {
  it('is <binding>-creds, capped at 253 characters with a stable hash for the longest binding names', () => {
    assert.equal(credentialsSecretName('pg-demo-app'), 'pg-demo-app-creds');
    const longest = `app.${'b'.repeat(249)}`;
    const name = credentialsSecretName(longest);
    assert.equal(name.length, 253);
    assert.ok(isDnsSubdomain(name), name);
    assert.equal(credentialsSecretName(longest), name);
    assert.notEqual(credentialsSecretName(`app.${'b'.repeat(248)}c`), name);
  });
});
