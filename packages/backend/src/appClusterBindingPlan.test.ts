import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { findRepoRoot } from '@klutch/testenv';
import { getCondition } from '@klutch/kube';
import {
  appClusterBindingConditions,
  appClusterBindingNames,
  checkAppClusterKubeconfigSecret,
  desiredApiServiceBinding,
  desiredKonnectorDeployment,
  exportRequestName,
  mergeContainerOverrides,
  resolveApis,
} from './appClusterBindingPlan.js';
import type { AppClusterBindingObject, TemplateLike } from './appClusterBindingPlan.js';
import { exampleAppClusterClusterRole } from './appClusterRoleExample.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const kubeconfig = (user: Record<string, unknown>) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'app', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64('ca') } },
    ],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'c', context: { cluster: 'app', user: 'u' } }],
    'current-context': 'c',
  });
const secret = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'app-cluster-kubeconfig', namespace: 'default' },
  data,
});
const ref = { namespace: 'default', name: 'app-cluster-kubeconfig', key: 'kubeconfig' };

function acb(spec: Partial<AppClusterBindingObject['spec']> = {}): AppClusterBindingObject {
  return {
    apiVersion: 'klutch.anynines.com/v1alpha1',
    kind: 'AppClusterBinding',
    metadata: { name: 'aws-app-cluster', namespace: 'default' },
    spec: {
      kubeconfigSecretRef: ref,
      apiExports: [{ group: 'anynines.com', resource: 'postgresqlinstances' }],
      konnector: { deploy: true },
      ...spec,
    },
  };
}

const template = (resource: string, claims: unknown[] = []): TemplateLike => ({
  metadata: { name: resource, namespace: 'templates' },
  spec: { APIServiceSelector: { group: 'anynines.com', resource }, permissionClaims: claims },
});

describe('AppClusterBinding plan', () => {
  it('names the root namespace and Deployment as the seed, and caps long names stably', () => {
    const n = appClusterBindingNames('default', 'aws-app-cluster');
    assert.equal(n.rootNamespace, 'klutch-bind-default-aws-app-cluster');
    assert.equal(n.deployment, 'konnector-aws-app-cluster');
    const long = 'x'.repeat(200);
    const a = appClusterBindingNames('team-a', long);
    const b = appClusterBindingNames('team-a', `${long}y`);
    assert.ok(a.rootNamespace.length <= 63 && a.deployment.length <= 46);
    assert.equal(a.rootNamespace, appClusterBindingNames('team-a', long).rootNamespace);
    assert.notEqual(a.rootNamespace, b.rootNamespace);
    assert.ok(Object.values(a.labels).every((v) => v.length <= 63));
  });

  it('reports a missing Secret, a wrong key and an exec-plugin kubeconfig with the fix', () => {
    const missing = checkAppClusterKubeconfigSecret(undefined, ref);
    assert.equal(missing.valid ? '' : missing.reason, 'KubeconfigSecretNotFound');
    assert.match(
      missing.valid ? '' : missing.message,
      /kubectl create secret generic app-cluster-kubeconfig/,
    );
    const wrongKey = checkAppClusterKubeconfigSecret(secret({ config: b64('x') }), ref);
    assert.match(wrongKey.valid ? '' : wrongKey.message, /no key "kubeconfig" \(it has "config"\)/);
    const exec = checkAppClusterKubeconfigSecret(
      secret({
        kubeconfig: b64(
          kubeconfig({ exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1' } }),
        ),
      }),
      ref,
    );
    assert.equal(exec.valid ? '' : exec.reason, 'KubeconfigSecretInvalid');
    assert.match(exec.valid ? '' : exec.message, /users\[0\]\.user\.exec runs a program/);
    const garbage = checkAppClusterKubeconfigSecret(
      secret({ kubeconfig: b64('not-a-valid-kubeconfig') }),
      ref,
    );
    assert.equal(garbage.valid, false);
    const ok = checkAppClusterKubeconfigSecret(secret({ kubeconfig: b64(kubeconfig({ token: 't' })) }), ref);
    assert.equal(ok.valid, true);
  });

  it('binds each API with the permission claims of its template, accepted', () => {
    const claim = { group: '', resource: 'secrets', selector: { owner: 'Provider' } };
    const { apis, missing } = resolveApis(
      acb({
        apiExports: [
          { group: 'anynines.com', resource: 'servicebindings' },
          { group: ' anynines.com ', resource: 'servicebindings' },
          { group: 'anynines.com', resource: 'backups' },
        ],
      }),
      [template('servicebindings', [claim])],
    );
    assert.deepEqual(missing, ['backups.anynines.com']);
    assert.equal(apis.length, 1);
    const n = appClusterBindingNames('default', 'aws-app-cluster');
    const b = desiredApiServiceBinding(n, 'app-cluster-kubeconfig', apis[0]!);
    assert.equal(b.metadata.name, 'servicebindings.anynines.com');
    assert.equal(b.metadata.namespace, n.rootNamespace);
    assert.deepEqual(b.spec, {
      kubeconfigSecretRef: { namespace: n.rootNamespace, name: 'app-cluster-kubeconfig', key: 'kubeconfig' },
      permissionClaims: [{ ...claim, state: 'Accepted' }],
    });
  });

  it('names export requests as the Go backend, within 63 characters', () => {
    const name = exportRequestName('aws-app-cluster', 'postgresqlinstances');
    assert.match(name, /^appclusterbinding-aws-app-cluster-postgresqlinstances-[0-9a-f]{8}$/);
    assert.equal(name, exportRequestName('aws-app-cluster', 'postgresqlinstances'));
    const long = exportRequestName('A'.repeat(80), 'Some.Template_Name'.repeat(5));
    assert.ok(long.length <= 63, long);
    assert.match(long, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('merges overrides into the container, including false and 0, env by name', () => {
    const merged = mergeContainerOverrides(
      {
        name: 'konnector',
        image: 'a',
        env: [{ name: 'A', value: '1' }],
        securityContext: { runAsNonRoot: true },
      },
      {
        image: 'b',
        env: [
          { name: 'A', value: '2' },
          { name: 'B', value: '' },
        ],
        stdin: false,
        securityContext: { runAsNonRoot: false, runAsUser: 0 },
        name: 'renamed',
        tty: null,
      },
    );
    assert.deepEqual(merged, {
      name: 'konnector',
      image: 'b',
      env: [
        { name: 'A', value: '2' },
        { name: 'B', value: '' },
      ],
      stdin: false,
      securityContext: { runAsNonRoot: false, runAsUser: 0 },
    });
  });

  it('deploys the konnector with the control-plane-mode arguments', () => {
    const d = desiredKonnectorDeployment(
      acb({ konnector: { deploy: true, overrides: { image: 'mirror/konnector:1' } } }),
      appClusterBindingNames('default', 'aws-app-cluster'),
      'klutch/konnector:0.1.0',
    ) as unknown as {
      spec: {
        template: {
          spec: { serviceAccountName: string; containers: Array<{ image: string; args: string[] }> };
        };
      };
    };
    const c = d.spec.template.spec.containers[0]!;
    assert.equal(c.image, 'mirror/konnector:1');
    assert.equal(d.spec.template.spec.serviceAccountName, 'klutch-binder');
    assert.deepEqual(c.args.slice(0, 6), [
      '--control-plane-mode',
      '--app-cluster-kubeconfig-secret-name=app-cluster-kubeconfig',
      '--app-cluster-kubeconfig-secret-namespace=klutch-bind-default-aws-app-cluster',
      '--app-cluster-kubeconfig-secret-key=kubeconfig',
      '--binding-root-namespace=klutch-bind-default-aws-app-cluster',
      '--lease-namespace=$(POD_NAMESPACE)',
    ]);
  });

  it('summarises into Ready with the failing condition and its fix', () => {
    const bad = appClusterBindingConditions(undefined, {
      secret: {
        valid: false,
        reason: 'KubeconfigSecretNotFound',
        message: 'Kubeconfig secret default/x not found.',
      },
    });
    assert.equal(getCondition(bad, 'Ready')?.status, 'False');
    assert.equal(getCondition(bad, 'Ready')?.reason, 'KubeconfigSecretNotFound');
    const unreachable = appClusterBindingConditions(undefined, {
      secret: { valid: true, kubeconfig: '' },
      missingTemplates: [],
      appCluster: { ok: false, reason: 'AppClusterUnreachable', message: 'Cannot reach' },
      konnector: { ok: true },
    });
    assert.equal(getCondition(unreachable, 'Ready')?.reason, 'AppClusterUnreachable');
    const good = appClusterBindingConditions(unreachable, {
      secret: { valid: true, kubeconfig: '' },
      missingTemplates: [],
      appCluster: { ok: true },
      konnector: { ok: true },
    });
    assert.equal(getCondition(good, 'Ready')?.status, 'True');
    for (const t of [
      'SecretValid',
      'AppClusterReachable',
      'APIsResolved',
      'KonnectorDeployed',
      'BindingsReady',
    ])
      assert.equal(getCondition(good, t)?.status, 'True', t);
  });

  it('ships the least-privilege ClusterRole generated from the code', () => {
    const file = readFileSync(
      join(findRepoRoot(), 'examples', 'control-plane-mode', 'app-cluster-clusterrole.yaml'),
      'utf8',
    );
    const docs = parseAllDocuments(file).map((d) => d.toJSON() as unknown);
    assert.deepEqual(docs, [exampleAppClusterClusterRole()]);
  });
});
