import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubernetesContext } from './kubernetesContext.js';
import {
  authorizationHeader,
  encodeOriginatingIdentity,
  osbRequestHeaders,
  validateBrokerAuth,
} from './osbHeaders.js';

describe('OSB request headers', () => {
  it('encodes the originating identity as "<platform> <base64(json)>"', () => {
    const value = { username: 'jane', uid: '42', groups: ['dev'] };
    const header = encodeOriginatingIdentity({ value }, 'kubernetes');
    const [platform, encoded] = header.split(' ');
    assert.equal(platform, 'kubernetes');
    assert.deepEqual(JSON.parse(Buffer.from(encoded ?? '', 'base64').toString('utf8')), value);
    assert.match(
      encodeOriginatingIdentity({ platform: 'cloudfoundry', value: { user_id: 'x' } }, 'kubernetes'),
      /^cloudfoundry /,
    );
    assert.throws(
      () => encodeOriginatingIdentity({ platform: 'a b', value: {} }, 'kubernetes'),
      /whitespace/,
    );
  });

  it('builds basic and bearer authorization', () => {
    assert.equal(
      authorizationHeader({ username: 'admin', password: 'p:w' }),
      `Basic ${Buffer.from('admin:p:w').toString('base64')}`,
    );
    assert.equal(authorizationHeader({ bearerToken: 'tok' }), 'Bearer tok');
  });

  it('always sends the version, a request identity and accept; content-type only with a body', () => {
    const a = osbRequestHeaders({ platform: 'kubernetes', hasBody: false });
    assert.equal(a.headers['x-broker-api-version'], '2.17');
    assert.equal(a.headers.accept, 'application/json');
    assert.match(a.requestIdentity, /^[0-9a-f-]{36}$/);
    assert.equal(a.headers['x-broker-api-request-identity'], a.requestIdentity);
    assert.equal(a.headers['content-type'], undefined);
    assert.equal(a.headers.authorization, undefined);
    const b = osbRequestHeaders({ platform: 'kubernetes', hasBody: true, requestIdentity: 'given' });
    assert.equal(b.headers['content-type'], 'application/json');
    assert.equal(b.requestIdentity, 'given');
    assert.notEqual(osbRequestHeaders({ platform: 'k', hasBody: false }).requestIdentity, a.requestIdentity);
  });

  it('rejects unusable auth settings', () => {
    assert.equal(validateBrokerAuth(undefined), undefined);
    assert.equal(validateBrokerAuth({ username: 'a', password: '' }), undefined);
    assert.match(validateBrokerAuth({ username: ' ', password: 'x' }) ?? '', /user name is empty/);
    assert.match(validateBrokerAuth({ bearerToken: '' }) ?? '', /bearer token is empty/);
    const both = { bearerToken: 't', username: 'u', password: 'p' };
    assert.match(validateBrokerAuth(both) ?? '', /both a bearer token and a user name/);
  });
});

describe('kubernetesContext', () => {
  it('uses the OSB kubernetes profile names', () => {
    assert.deepEqual(kubernetesContext({ namespace: 'team-a', clusterId: 'c-1', instanceName: 'db' }), {
      platform: 'kubernetes',
      namespace: 'team-a',
      clusterid: 'c-1',
      instance_name: 'db',
    });
    assert.deepEqual(
      kubernetesContext({
        namespace: 'n',
        clusterId: 'c',
        instanceName: 'i',
        namespaceAnnotations: { a: 'b' },
      }).namespaceAnnotations,
      { a: 'b' },
    );
  });
});
