// Acceptance of control-plane mode (seed 000, seed 002): a control plane and an app cluster on
// real API servers. The backend runs with the arguments of the example manifest's Deployment;
// the app cluster is prepared with the seed's commands (service account, long-lived token,
// kubeconfig built from it); the AppClusterBinding of the seed makes the backend create the
// konnector Deployment, which runs as a local process with exactly that Deployment's arguments and
// environment (the test bed has no node yet; the switch to Pods comes with the node).
// The whole walk runs twice: with cluster-admin in the app cluster, as the seed says, and with the
// shipped least-privilege ClusterRole.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  eventually,
  findRepoRoot,
  freePort,
  startClusters,
  startDeploymentLocally,
  type LocalDeployment,
  type TestCluster,
} from '@klutch/testenv';

const repoRoot = findRepoRoot();
const examples = join(repoRoot, 'examples', 'control-plane-mode');
const rootNs = 'klutch-bind-default-aws-app-cluster';
const deploymentName = 'konnector-aws-app-cluster';

const programFor = (image: string): string => {
  if (image.includes('konnector')) return join(repoRoot, 'packages/konnector/src/main.ts');
  if (image.includes('backend')) return join(repoRoot, 'packages/backend/src/main.ts');
  throw new Error(`no local program for image ${image}`);
};
/** A loopback address of its own per local "pod", so each can listen on its container port. */
const podIp = () => `127.${randomInt(100, 250)}.${randomInt(1, 250)}.${randomInt(2, 250)}`;

async function ok(cluster: TestCluster, args: string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, input !== undefined ? { input } : {});
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface Conditioned {
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}
const condition = (o: Conditioned, type: string) => o.status?.conditions?.find((c) => c.type === type);

async function getJson<T>(cluster: TestCluster, args: string[]): Promise<T> {
  return JSON.parse(await ok(cluster, [...args, '-o', 'json'])) as T;
}

/** Seed 000, "Create a Long-Lived Token" and "Build the Kubeconfig", for one token Secret. */
async function seedKubeconfig(app: TestCluster, tokenSecret: string, dir: string): Promise<string> {
  await ok(
    app,
    ['apply', '-f', '-'],
    `apiVersion: v1
kind: Secret
metadata:
  name: ${tokenSecret}
  namespace: kube-system
  annotations:
    kubernetes.io/service-account.name: klutch-control-plane
type: kubernetes.io/service-account-token
`,
  );
  const token = await eventually(async () => {
    const t = await ok(app, [
      'get',
      'secret',
      tokenSecret,
      '-n',
      'kube-system',
      '-o',
      'jsonpath={.data.token}',
    ]);
    assert.ok(t, 'the controller manager has not filled the token yet');
    return Buffer.from(t, 'base64').toString('utf8');
  }, 60_000);
  const server = await ok(app, [
    'config',
    'view',
    '--minify',
    '-o',
    'jsonpath={.clusters[0].cluster.server}',
  ]);
  const ca = await ok(app, [
    'get',
    'secret',
    tokenSecret,
    '-n',
    'kube-system',
    '-o',
    'jsonpath={.data.ca\\.crt}',
  ]);
  const file = join(dir, `${tokenSecret}.yaml`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: app-cluster
  cluster:
    server: ${server}
    certificate-authority-data: ${ca}
contexts:
- name: klutch-control-plane@app-cluster
  context:
    cluster: app-cluster
    user: klutch-control-plane
current-context: klutch-control-plane@app-cluster
users:
- name: klutch-control-plane
  user:
    token: ${token}
`,
    { mode: 0o600 },
  );
  return file;
}

const acbYaml = (
  name: string,
  secret: string,
  apis: string[],
  deploy: boolean,
  key = 'kubeconfig',
) => `apiVersion: klutch.anynines.com/v1alpha1
kind: AppClusterBinding
metadata:
  name: ${name}
  namespace: default
spec:
  apiExports:
${apis.map((r) => `  - group: anynines.com\n    resource: ${r}`).join('\n')}
  konnector:
    deploy: ${deploy}
  kubeconfigSecretRef:
    key: ${key}
    name: ${secret}
    namespace: default
`;

for (const rbac of ['cluster-admin', 'least-privilege'] as const) {
  describe(
    `control-plane mode, seed 000 (app cluster service account with ${rbac})`,
    { timeout: 600_000 },
    () => {
      let cp: TestCluster;
      let app: TestCluster;
      let backend: LocalDeployment;
      let konnector: LocalDeployment | undefined;
      const dir = mkdtempSync(join(tmpdir(), `klutch-cpmode-${rbac}-`));
      let kubeconfigFile: string;
      const startBackend = () =>
        startDeploymentLocally(cp, {
          namespace: 'klutch-system',
          name: 'klutch-backend',
          programFor,
          podIp: podIp(),
          logFile: join(dir, 'backend.log'),
        });

      before(async () => {
        [cp, app] = (await startClusters([`cpm-cp-${rbac}`, `cpm-app-${rbac}`])) as [
          TestCluster,
          TestCluster,
        ];
        // The control plane: CRDs, and export templates for the data-service APIs.
        await ok(cp, ['apply', '--server-side', '-f', join(repoRoot, 'packages', 'api', 'crds')]);
        await ok(cp, ['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
        await ok(
          cp,
          ['apply', '-f', '-'],
          `apiVersion: v1
kind: Namespace
metadata:
  name: templates
---
apiVersion: bind.anynines.com/v1alpha1
kind: APIServiceExportTemplate
metadata:
  name: postgresqlinstances
  namespace: templates
spec:
  APIServiceSelector:
    group: anynines.com
    resource: postgresqlinstances
---
apiVersion: bind.anynines.com/v1alpha1
kind: APIServiceExportTemplate
metadata:
  name: servicebindings
  namespace: templates
spec:
  APIServiceSelector:
    group: anynines.com
    resource: servicebindings
  permissionClaims:
  - group: ""
    resource: secrets
    version: v1
    selector:
      owner: Provider
`,
        );
        // "Deploy the Backend": the example manifest, its Deployment run locally.
        await ok(cp, ['apply', '--server-side', '-f', join(examples, 'example-backend.yaml')]);
        backend = await startBackend();
        // "Prepare the App Cluster".
        await ok(app, ['create', 'serviceaccount', 'klutch-control-plane', '-n', 'kube-system']);
        if (rbac === 'cluster-admin') {
          await ok(app, [
            'create',
            'clusterrolebinding',
            'klutch-control-plane-admin',
            '--clusterrole=cluster-admin',
            '--serviceaccount=kube-system:klutch-control-plane',
          ]);
        } else {
          await ok(app, ['apply', '-f', join(examples, 'app-cluster-clusterrole.yaml')]);
          await ok(app, [
            'create',
            'clusterrolebinding',
            'klutch-control-plane',
            '--clusterrole=klutch-control-plane',
            '--serviceaccount=kube-system:klutch-control-plane',
          ]);
        }
        kubeconfigFile = await seedKubeconfig(app, 'klutch-control-plane-token', dir);
        // "Verify Access" (the least-privilege role may not list nodes: it lists namespaces instead).
        const nodes = await app.kubectl(['get', rbac === 'cluster-admin' ? 'nodes' : 'namespaces'], {
          kubeconfigPath: kubeconfigFile,
        });
        assert.equal(nodes.code, 0, nodes.stderr);
        // "Enable the binding on the control plane cluster".
        await ok(cp, [
          'create',
          'secret',
          'generic',
          'app-cluster-kubeconfig',
          `--from-file=kubeconfig=${kubeconfigFile}`,
          '-n',
          'default',
        ]);
        await ok(
          cp,
          ['apply', '-f', '-'],
          acbYaml('aws-app-cluster', 'app-cluster-kubeconfig', ['postgresqlinstances'], true),
        );
      });

      after(async () => {
        await konnector?.stop();
        await backend?.stop();
        await Promise.allSettled([cp, app].map((c) => c?.stop()));
        // The backend's and the konnector's logs: KEEP_LOGS=1 keeps them for a look after a failure.
        if (!process.env.KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
      });

      it('creates the konnector Deployment with the control-plane-mode arguments and runs it', async () => {
        const d = await eventually(
          () =>
            getJson<{
              spec: {
                template: { spec: { serviceAccountName: string; containers: Array<{ args: string[] }> } };
              };
            }>(cp, ['get', 'deployment', '-n', rootNs, deploymentName]),
          60_000,
          250,
        );
        assert.equal(d.spec.template.spec.serviceAccountName, 'klutch-binder');
        const args = d.spec.template.spec.containers[0]?.args ?? [];
        for (const a of [
          '--control-plane-mode',
          '--app-cluster-kubeconfig-secret-name=app-cluster-kubeconfig',
          `--app-cluster-kubeconfig-secret-namespace=${rootNs}`,
          '--app-cluster-kubeconfig-secret-key=kubeconfig',
          `--binding-root-namespace=${rootNs}`,
        ])
          assert.ok(args.includes(a), `${a} in ${args.join(' ')}`);
        // The seed's checklist: the Deployment is listed in the root namespace.
        assert.match(await ok(cp, ['get', 'deployments.apps', '-n', rootNs]), new RegExp(deploymentName));
        konnector = await startDeploymentLocally(cp, {
          namespace: rootNs,
          name: deploymentName,
          programFor,
          podIp: podIp(),
          logFile: join(dir, 'konnector.log'),
        });
        assert.ok(konnector.runtime.args.includes(`--lease-namespace=${rootNs}`), 'POD_NAMESPACE expanded');
      });

      it('shows READY True in kubectl get appclusterbinding', async () => {
        await eventually(
          async () => {
            const out = await ok(cp, ['get', 'appclusterbinding', '-n', 'default']);
            assert.match(out, /NAME\s+READY\s+AGE/);
            assert.match(
              out,
              /aws-app-cluster\s+True/,
              `${out}\nkonnector log:\n${konnector?.process.tail(20)}`,
            );
          },
          120_000,
          500,
        );
        const acb = await getJson<Conditioned>(cp, [
          'get',
          'appclusterbinding',
          '-n',
          'default',
          'aws-app-cluster',
        ]);
        for (const t of ['SecretValid', 'KonnectorDeployed', 'AppClusterReachable', 'BindingsReady'])
          assert.equal(condition(acb, t)?.status, 'True', t);
        // Resource locations of seed 002: bindings in the control plane, the bound CRD in the app cluster.
        await ok(cp, ['get', 'apiservicebinding', '-n', rootNs, 'postgresqlinstances.anynines.com']);
        const none = await app.kubectl(['get', 'crd', 'apiservicebindings.klutch.anynines.com']);
        assert.notEqual(none.code, 0, 'no APIServiceBinding CRD in the app cluster');
        await ok(app, ['get', 'crd', 'postgresqlinstances.anynines.com']);
      });

      it('syncs an instance up and its status down', async () => {
        await ok(app, ['create', 'namespace', 'demo']);
        await ok(
          app,
          ['apply', '-f', '-'],
          `apiVersion: anynines.com/v1
kind: PostgresqlInstance
metadata:
  name: pg-demo
  namespace: demo
spec:
  service: a9s-postgresql15
  plan: postgresql-single-small
`,
        );
        const serviceNs = `${rootNs}-demo`;
        await eventually(
          () => ok(cp, ['get', 'postgresqlinstance', '-n', serviceNs, 'pg-demo']),
          60_000,
          250,
        );
        await ok(cp, [
          'patch',
          'postgresqlinstance',
          '-n',
          serviceNs,
          'pg-demo',
          '--subresource=status',
          '--type=merge',
          '-p',
          JSON.stringify({
            status: {
              state: 'available',
              conditions: [
                {
                  type: 'Ready',
                  status: 'True',
                  reason: 'Available',
                  lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
                },
              ],
            },
          }),
        ]);
        const upStatus = await getJson<{ status?: unknown }>(cp, [
          'get',
          'postgresqlinstance',
          '-n',
          serviceNs,
          'pg-demo',
        ]);
        await eventually(
          async () => {
            const down = await getJson<{ status?: unknown }>(app, [
              'get',
              'postgresqlinstance',
              '-n',
              'demo',
              'pg-demo',
            ]);
            assert.deepEqual(down.status, upStatus.status);
          },
          60_000,
          250,
        );
      });

      it('adds a binding with its claims when spec.apiExports grows, and a claimed Secret arrives', async () => {
        await ok(
          cp,
          ['apply', '-f', '-'],
          acbYaml(
            'aws-app-cluster',
            'app-cluster-kubeconfig',
            ['postgresqlinstances', 'servicebindings'],
            true,
          ),
        );
        const b = await eventually(
          () =>
            getJson<{ spec: { permissionClaims: Array<{ resource: string; state: string }> } }>(cp, [
              'get',
              'apiservicebinding',
              '-n',
              rootNs,
              'servicebindings.anynines.com',
            ]),
          60_000,
          250,
        );
        assert.deepEqual(
          b.spec.permissionClaims.map((c) => [c.resource, c.state]),
          [['secrets', 'Accepted']],
        );
        await eventually(() => ok(app, ['get', 'crd', 'servicebindings.anynines.com']), 90_000, 250);
        await ok(cp, [
          'create',
          'secret',
          'generic',
          'pg-demo-app-creds',
          '-n',
          `${rootNs}-demo`,
          '--from-literal=password=s3cret',
        ]);
        await eventually(
          async () => {
            const pw = await ok(app, [
              'get',
              'secret',
              '-n',
              'demo',
              'pg-demo-app-creds',
              '-o',
              'jsonpath={.data.password}',
            ]);
            assert.equal(Buffer.from(pw, 'base64').toString(), 's3cret');
          },
          90_000,
          250,
        );
      });

      it('removes the binding when its API leaves spec.apiExports', async () => {
        await ok(
          cp,
          ['apply', '-f', '-'],
          acbYaml('aws-app-cluster', 'app-cluster-kubeconfig', ['postgresqlinstances'], true),
        );
        await eventually(
          async () => {
            const r = await cp.kubectl([
              'get',
              'apiservicebinding',
              '-n',
              rootNs,
              'servicebindings.anynines.com',
            ]);
            assert.notEqual(r.code, 0, 'binding still there');
          },
          60_000,
          250,
        );
      });

      it('lets only the konnector service account read the app-cluster kubeconfig Secret', async () => {
        const canGet = async (as: string) =>
          (
            await cp.kubectl([
              'auth',
              'can-i',
              'get',
              'secret/app-cluster-kubeconfig',
              '-n',
              rootNs,
              `--as=${as}`,
            ])
          ).stdout.trim();
        assert.equal(await canGet(`system:serviceaccount:${rootNs}:klutch-binder`), 'yes');
        for (const other of [
          `system:serviceaccount:${rootNs}:default`,
          'system:serviceaccount:default:default',
          'system:serviceaccount:kube-system:default',
          'someone',
        ])
          assert.equal(await canGet(other), 'no', other);
      });

      it('keeps syncing after the app-cluster token is rotated, without a restart', async () => {
        const pid = konnector?.process.pid;
        assert.ok(pid);
        const rotated = await seedKubeconfig(app, 'klutch-control-plane-token-2', dir);
        const manifest = await ok(cp, [
          'create',
          'secret',
          'generic',
          'app-cluster-kubeconfig',
          `--from-file=kubeconfig=${rotated}`,
          '-n',
          'default',
          '--dry-run=client',
          '-o',
          'yaml',
        ]);
        await ok(cp, ['apply', '-f', '-'], manifest);
        // The old token dies with its Secret: only the new kubeconfig can work from here on.
        await ok(app, ['delete', 'secret', 'klutch-control-plane-token', '-n', 'kube-system']);
        await eventually(
          async () => {
            const mirrored = await ok(cp, [
              'get',
              'secret',
              '-n',
              rootNs,
              'app-cluster-kubeconfig',
              '-o',
              'jsonpath={.data.kubeconfig}',
            ]);
            assert.match(Buffer.from(mirrored, 'base64').toString(), /token: /);
            assert.equal(Buffer.from(mirrored, 'base64').toString(), readFileSync(rotated, 'utf8'));
          },
          30_000,
          250,
        );
        await ok(
          app,
          ['apply', '-f', '-'],
          `apiVersion: anynines.com/v1
kind: PostgresqlInstance
metadata:
  name: pg-after-rotation
  namespace: demo
spec:
  service: a9s-postgresql15
  plan: postgresql-single-small
`,
        );
        await eventually(
          () => ok(cp, ['get', 'postgresqlinstance', '-n', `${rootNs}-demo`, 'pg-after-rotation']),
          90_000,
          250,
        );
        assert.equal(konnector?.process.pid, pid, 'the konnector process was not restarted');
        assert.ok(konnector?.process.running);
      });

      if (rbac === 'cluster-admin') {
        it('makes the konnector refuse an exec-plugin kubeconfig and report it on the bindings', async () => {
          const mirrored = await ok(cp, [
            'get',
            'secret',
            '-n',
            rootNs,
            'app-cluster-kubeconfig',
            '-o',
            'jsonpath={.data.kubeconfig}',
          ]);
          const exec = Buffer.from(mirrored, 'base64')
            .toString()
            .replace(
              / {4}token: .*/,
              '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n      args: [eks, get-token]',
            );
          assert.match(exec, /exec:/);
          const patch = (text: string) =>
            ok(cp, [
              'patch',
              'secret',
              '-n',
              rootNs,
              'app-cluster-kubeconfig',
              '--type=merge',
              '-p',
              JSON.stringify({ data: { kubeconfig: Buffer.from(text).toString('base64') } }),
            ]);
          // Written straight into the mirror: whoever can write there must not make the konnector
          // run a program. The backend repairs the mirror at its next reconcile, so it is stopped
          // meanwhile to keep the refused state in view.
          await backend.stop();
          await patch(exec);
          await eventually(
            async () => {
              const b = await getJson<Conditioned>(cp, [
                'get',
                'apiservicebinding',
                '-n',
                rootNs,
                'postgresqlinstances.anynines.com',
              ]);
              const secretValid = condition(b, 'SecretValid');
              assert.equal(secretValid?.reason, 'KubeconfigSecretInvalid', JSON.stringify(b.status));
              assert.match(secretValid?.message ?? '', /exec runs a program/);
            },
            60_000,
            250,
          );
          assert.ok(konnector?.process.running, 'the konnector keeps running');
          // The backend, back, puts the app cluster's kubeconfig into the mirror again.
          backend = await startBackend();
          await eventually(
            async () => {
              const b = await getJson<Conditioned>(cp, [
                'get',
                'apiservicebinding',
                '-n',
                rootNs,
                'postgresqlinstances.anynines.com',
              ]);
              assert.equal(condition(b, 'Ready')?.status, 'True', JSON.stringify(b.status));
            },
            90_000,
            250,
          );
        });

        it('reports the troubleshooting cases of seed 000 as conditions', async () => {
          const b64 = (s: string) => Buffer.from(s).toString('base64');
          const kc = (server: string, user: string) =>
            `apiVersion: v1
kind: Config
clusters:
- name: app
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(app.caPem)}
contexts:
- name: c
  context: {cluster: app, user: u}
current-context: c
users:
- name: u
  user:
${user}
`;
          // A service account without any binding in the app cluster: reachable, but not allowed.
          await ok(app, ['create', 'serviceaccount', 'powerless', '-n', 'kube-system']);
          const weakToken = (await ok(app, ['create', 'token', 'powerless', '-n', 'kube-system'])).trim();
          const closed = await freePort();
          const secrets: Record<string, Record<string, string>> = {
            'key-secret': { config: b64(kc(app.server, `    token: ${weakToken}`)) },
            'exec-secret': {
              kubeconfig: b64(
                kc(
                  app.server,
                  '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n      args: [eks, get-token]',
                ),
              ),
            },
            'unreachable-secret': {
              kubeconfig: b64(kc(`https://127.0.0.1:${closed}`, `    token: ${weakToken}`)),
            },
            'forbidden-secret': { kubeconfig: b64(kc(app.server, `    token: ${weakToken}`)) },
          };
          for (const [name, data] of Object.entries(secrets))
            await ok(
              cp,
              ['apply', '-f', '-'],
              JSON.stringify({
                apiVersion: 'v1',
                kind: 'Secret',
                metadata: { name, namespace: 'default' },
                data,
              }),
            );
          const cases: Array<[string, string, string, RegExp]> = [
            ['t-missing', 'no-such-secret', 'KubeconfigSecretNotFound', /not found. Create it/],
            ['t-key', 'key-secret', 'KubeconfigSecretInvalid', /no key "kubeconfig" \(it has "config"\)/],
            ['t-exec', 'exec-secret', 'KubeconfigSecretInvalid', /exec runs a program/],
            ['t-unreachable', 'unreachable-secret', 'AppClusterUnreachable', /Cannot reach the app cluster/],
            [
              't-forbidden',
              'forbidden-secret',
              'InsufficientPermissions',
              /lacks permissions.*customresourcedefinitions/,
            ],
          ];
          for (const [name, secret] of cases)
            await ok(cp, ['apply', '-f', '-'], acbYaml(name, secret, ['postgresqlinstances'], false));
          for (const [name, , reason, message] of cases) {
            await eventually(
              async () => {
                const acb = await getJson<Conditioned>(cp, [
                  'get',
                  'appclusterbinding',
                  '-n',
                  'default',
                  name,
                ]);
                const ready = condition(acb, 'Ready');
                assert.equal(ready?.status, 'False', `${name}: ${JSON.stringify(acb.status)}`);
                assert.equal(ready?.reason, reason, `${name}: ${JSON.stringify(acb.status)}`);
                assert.match(ready?.message ?? '', message);
              },
              30_000,
              250,
            );
          }
          const events = await ok(cp, [
            'get',
            'events',
            '-n',
            'default',
            '--field-selector=involvedObject.name=t-exec',
          ]);
          assert.match(events, /KubeconfigSecretInvalid/);
          for (const [name] of cases)
            await ok(cp, ['delete', 'appclusterbinding', '-n', 'default', name, '--wait=false']);
        });
      }

      it('removes the root namespace, the bindings and the Deployment when deleted', async () => {
        await ok(cp, ['delete', 'appclusterbinding', '-n', 'default', 'aws-app-cluster', '--wait=false']);
        await eventually(
          async () => {
            const acb = await cp.kubectl(['get', 'appclusterbinding', '-n', 'default', 'aws-app-cluster']);
            assert.notEqual(acb.code, 0, 'the AppClusterBinding is still there');
          },
          120_000,
          500,
        );
        for (const args of [
          ['get', 'namespace', rootNs],
          ['get', 'deployment', '-n', rootNs, deploymentName],
          ['get', 'apiservicebinding', '-n', rootNs, 'postgresqlinstances.anynines.com'],
        ]) {
          const r = await cp.kubectl(args);
          assert.notEqual(r.code, 0, `${args.join(' ')} still exists`);
        }
        // The Pod would be gone with its Deployment.
        await konnector?.stop();
        konnector = undefined;
      });
    },
  );
}
