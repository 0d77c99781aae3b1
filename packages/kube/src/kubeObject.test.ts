import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiVersionOf, objectKey, parseApiVersion, splitObjectKey } from './kubeObject.js';
import { ResourceClient } from './resourceClient.js';
import { KubeClient } from './kubeClient.js';
import { KubeConfig } from './kubeConfig.js';

describe('object keys and API versions', () => {
  it('round-trips namespaced and cluster-scoped keys', () => {
    assert.equal(objectKey({ metadata: { namespace: 'ns', name: 'a' } }), 'ns/a');
    assert.equal(objectKey({ metadata: { name: 'a' } }), 'a');
    assert.deepEqual(splitObjectKey('ns/a'), { namespace: 'ns', name: 'a' });
    assert.deepEqual(splitObjectKey('a'), { name: 'a' });
    assert.throws(() => objectKey({ metadata: {} }), /metadata.name/);
  });
  it('parses and formats apiVersion for core and named groups', () => {
    assert.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseApiVersion('klutch.anynines.com/v1alpha1'), {
      group: 'klutch.anynines.com',
      version: 'v1alpha1',
    });
    assert.equal(apiVersionOf({ group: '', version: 'v1' }), 'v1');
    assert.equal(apiVersionOf({ group: 'anynines.com', version: 'v1' }), 'anynines.com/v1');
  });
});

describe('ResourceClient paths', () => {
  const kc = KubeConfig.forServer('https://127.0.0.1:6443');
  const client = new KubeClient(kc);
  it('builds core, group, namespaced and cluster-scoped paths', () => {
    const cm = new ResourceClient(client, {
      group: '',
      version: 'v1',
      resource: 'configmaps',
      namespaced: true,
    });
    assert.equal(cm.path('ns', 'a'), '/api/v1/namespaces/ns/configmaps/a');
    assert.equal(cm.path(undefined), '/api/v1/configmaps');
    const crd = new ResourceClient(client, {
      group: 'apiextensions.k8s.io',
      version: 'v1',
      resource: 'customresourcedefinitions',
      namespaced: false,
    });
    assert.equal(
      crd.path('ignored', 'x.y', 'status'),
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x.y/status',
    );
  });
  it('refuses a namespaced write without a namespace, with a clear message', () => {
    const cm = new ResourceClient(client, {
      group: '',
      version: 'v1',
      resource: 'configmaps',
      namespaced: true,
    });
    assert.throws(() => cm.get('a'), /namespaced: a namespace is required/);
  });
});
