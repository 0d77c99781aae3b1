import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inlineMaterialRule } from '@klutch/kube';
import type { SecretObject } from './konnectorObjects.js';
import {
  checkAppClusterKubeconfigSecret,
  checkKubeconfigSecret,
  checkProviderKubeconfig,
} from './providerKubeconfig.js';

const kubeconfig = (ns?: string, current = 'default') => `apiVersion: v1
kind: Config
current-context: ${current}
clusters:
- name: default
  cluster: { server: https://127.0.0.1:6443 }
contexts:
- name: default
  context:
    cluster: default
    user: default
${ns ? `    namespace: ${ns}\n` : ''}users:
- name: default
  user: { token: abc }
`;

const ref = { namespace: 'klutch-bind', name: 'kc', key: 'kubeconfig' };
const secret = (text?: string): SecretObject => ({
  metadata: { name: 'kc', namespace: 'klutch-bind' },
  data: text === undefined ? {} : { kubeconfig: Buffer.from(text).toString('base64') },
});

describe('provider kubeconfig check', () => {
  it('takes the provider namespace from the current context', () => {
    const r = checkProviderKubeconfig(kubeconfig('cluster-abc'), 'ns/s');
    assert.equal(r.valid, true);
    assert.equal(r.valid && r.providerNamespace, 'cluster-abc');
  });
  it('rejects a context without namespace, a missing context and garbage', () => {
    const noNs = checkProviderKubeconfig(kubeconfig(), 'ns/s');
    assert.equal(noNs.valid, false);
    assert.match(!noNs.valid ? noNs.message : '', /current context "default" has no namespace set/);
    const missing = checkProviderKubeconfig(kubeconfig('x', 'other'), 'ns/s');
    assert.match(!missing.valid ? missing.message : '', /current context "other" not found/);
    for (const text of ['not-a-valid-kubeconfig', '[1,2]', ': : :', '']) {
      const r = checkProviderKubeconfig(text, 'ns/s');
      assert.equal(r.valid, false, text);
      assert.equal(!r.valid && r.reason, 'KubeconfigSecretInvalid');
    }
  });
  it('reports a missing secret and a missing key with repair hints', () => {
    const notFound = checkKubeconfigSecret(undefined, ref);
    assert.equal(!notFound.valid && notFound.reason, 'KubeconfigSecretNotFound');
    assert.equal(
      !notFound.valid && notFound.message,
      'Kubeconfig secret klutch-bind/kc not found. Rerun kubectl bind for repair.',
    );
    const noKey = checkKubeconfigSecret(secret(), ref);
    assert.equal(!noKey.valid && noKey.reason, 'KubeconfigSecretInvalid');
    assert.match(!noKey.valid ? noKey.message : '', /no key "kubeconfig"/);
    assert.equal(checkKubeconfigSecret(secret(kubeconfig('p')), ref).valid, true);
  });
  it('refuses a kubeconfig that runs a program, reads a file or weakens TLS, and says which field and why', () => {
    const exec = kubeconfig('p').replace('user: { token: abc }', 'user: { exec: { command: ./steal } }');
    const r = checkKubeconfigSecret(secret(exec), ref);
    assert.equal(!r.valid && r.reason, 'KubeconfigSecretInvalid');
    assert.equal(
      !r.valid && r.message,
      `Kubeconfig in secret klutch-bind/kc: users[0].user.exec runs a program on the local machine; ${inlineMaterialRule}. Rerun kubectl bind for repair.`,
    );
    const several = kubeconfig('p')
      .replace(
        'user: { token: abc }',
        'user: { tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token }',
      )
      .replace(
        'server: https://127.0.0.1:6443',
        'server: http://127.0.0.1:6443, insecure-skip-tls-verify: true',
      );
    const m = checkProviderKubeconfig(several, 'ns/s');
    assert.match(
      !m.valid ? m.message : '',
      /clusters\[0\]\.cluster\.server is http.*; clusters\[0\]\.cluster\.insecure-skip-tls-verify .*; users\[0\]\.user\.tokenFile /,
    );
  });
  it('never puts the kubeconfig content into a message', () => {
    const r = checkKubeconfigSecret(secret('token: supersecret\nnot: [valid'), ref);
    assert.equal(r.valid, false);
    assert.ok(!(!r.valid && r.message.includes('supersecret')));
  });
});

describe('app-cluster kubeconfig check (control-plane mode)', () => {
  it('needs no namespace: the provider namespace is the binding root namespace', () => {
    const check = checkAppClusterKubeconfigSecret(secret(kubeconfig()), ref, 'klutch-bind-default-a');
    assert.deepEqual(check.valid ? check.providerNamespace : check.message, 'klutch-bind-default-a');
  });

  it('refuses an exec plugin with the reason, and a missing Secret or key', () => {
    const exec = kubeconfig().replace(
      'user: { token: abc }',
      'user: { exec: { command: aws, apiVersion: v1 } }',
    );
    const refused = checkAppClusterKubeconfigSecret(secret(exec), ref, 'root');
    assert.equal(refused.valid ? '' : refused.reason, 'KubeconfigSecretInvalid');
    assert.match(
      refused.valid ? '' : refused.message,
      /users\[0\]\.user\.exec runs a program.*no exec plugins/,
    );
    const missing = checkAppClusterKubeconfigSecret(undefined, ref, 'root');
    assert.equal(missing.valid ? '' : missing.reason, 'KubeconfigSecretNotFound');
    const noKey = checkAppClusterKubeconfigSecret(secret(), ref, 'root');
    assert.match(noKey.valid ? '' : noKey.message, /has no key "kubeconfig"/);
  });
});
