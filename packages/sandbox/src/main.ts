#!/usr/bin/env node
// The local sandbox: a control-plane and an app cluster, the sandbox broker with
// its own PostgreSQL (and MariaDB) servers, the provider and the composition
// controller, until Ctrl-C.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serviceInstanceTypes } from '@klutch/api';
import { startBackend, type BackendHandle } from '@klutch/backend';
import type { BrokerOptions } from '@klutch/broker';
import { startKonnector, type KonnectorHandle } from '@klutch/konnector';
import { createLogger, KubeClient } from '@klutch/kube';
import { findRepoRoot, startClusters, type TestCluster } from '@klutch/testenv';
import { bindAppCluster, dataServiceApis } from './appClusterBinding.js';
import { startDataServicesStack, type DataServicesStack } from './dataServicesStack.js';
import { loadSandboxState } from './sandboxState.js';

const HELP = `klutch sandbox: the whole control plane locally, on real Kubernetes API servers

Options:
  --dir DIR                  where cluster data, broker backups and credentials are kept (.cache/sandbox)
  --postgres-admin-url URL   use this external PostgreSQL server (superuser connection) for instances
                             and the broker state instead of the broker's own servers; it must
                             require passwords, or tenants are not isolated
  --mariadb-admin-url URL    with --postgres-admin-url: the external MariaDB server (admin connection)
  --redis-admin-url URL      with --postgres-admin-url: the external Redis server for key-value
                             (redis://user:password@host:port); it must refuse connections without
                             credentials, or key-value is not offered
  --broker-state-database N  with --postgres-admin-url: the state database there (klutch_sandbox_broker)
  --log-level LEVEL          info, debug, warn, ... (warn)
`;

type BrokerServerOptions = Pick<
  BrokerOptions,
  'managedServersDir' | 'stateDatabaseUrl' | 'postgresAdminUrl' | 'mariadbAdminUrl' | 'redisAdminUrl'
>;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: '.cache/sandbox' },
      'postgres-admin-url': { type: 'string', default: '' },
      'mariadb-admin-url': { type: 'string', default: '' },
      'redis-admin-url': { type: 'string', default: '' },
      'broker-state-database': { type: 'string', default: '' },
      'log-level': { type: 'string', default: 'warn' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const dir = resolve(values.dir);
  const logger = createLogger({ name: 'sandbox', level: values['log-level'] });
  const say = (m: string) => process.stderr.write(`[sandbox] ${m}\n`);
  const state = loadSandboxState(dir);
  const started = Date.now();
  const stop = new AbortController();
  let clusters: TestCluster[] = [];
  let stack: DataServicesStack | undefined;
  let client: KubeClient | undefined;
  let appClient: KubeClient | undefined;
  let backend: BackendHandle | undefined;
  let konnector: KonnectorHandle | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    stop.abort();
    await konnector?.stop();
    await backend?.stop();
    await stack?.stopped();
    await appClient?.close();
    await client?.close();
    await Promise.all(clusters.map((c) => c.stop()));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    say('starting the control-plane and app clusters');
    clusters = await startClusters(
      ['control-plane', 'app'].map((name) => ({ name, dir: join(dir, name), keepDir: true, fsync: true })),
      { log: say },
    );
    const [controlPlane, app] = clusters as [TestCluster, TestCluster];
    client = KubeClient.from({ file: controlPlane.kubeconfigPath }, { userAgent: 'klutch-sandbox' });
    say('starting the broker, the provider and the composition controller');
    const external = values['postgres-admin-url'];
    let servers: BrokerServerOptions;
    if (external) {
      const stateDb = new URL(external);
      stateDb.pathname = `/${values['broker-state-database'] || 'klutch_sandbox_broker'}`;
      servers = {
        stateDatabaseUrl: stateDb.toString(),
        postgresAdminUrl: external,
        mariadbAdminUrl: values['mariadb-admin-url'] || undefined,
        redisAdminUrl: values['redis-admin-url'] || undefined,
      };
    } else {
      for (const flag of ['mariadb-admin-url', 'redis-admin-url', 'broker-state-database'] as const) {
        if (values[flag]) throw new Error(`--${flag} needs --postgres-admin-url (an external server)`);
      }
      // The broker's own servers: password authentication, data kept next to the clusters.
      servers = { managedServersDir: join(dir, 'servers') };
    }
    stack = await startDataServicesStack({
      client,
      logger,
      signal: stop.signal,
      crdDir: join(findRepoRoot(), 'packages', 'api', 'crds'),
      broker: {
        ...servers,
        backupDir: join(dir, 'backups'),
        username: state.brokerUsername,
        password: state.brokerPassword,
      },
      provider: { healthAddress: '127.0.0.1:0' },
      composition: { healthAddress: '127.0.0.1:0' },
    });
    say('starting the binding backend and the konnector, binding the app cluster');
    backend = await startBackend({
      client,
      logger: logger.child({ component: 'backend' }),
      prettyName: 'Klutch sandbox',
    });
    appClient = KubeClient.from({ file: app.kubeconfigPath }, { userAgent: 'klutch-sandbox' });
    // The konnector installs the APIServiceBinding CRD the bindings below need.
    konnector = await startKonnector({
      client: appClient,
      logger: logger.child({ component: 'konnector' }),
      leaseNamespace: 'kube-system',
      healthAddress: '127.0.0.1:0',
    });
    const bound = await bindAppCluster({
      controlPlane: client,
      app: appClient,
      backend,
      // Every instance API, offered or not: a claim for a service the sandbox does not offer gets a
      // condition that says so, where "no matches for kind" would leave the developer guessing.
      apis: dataServiceApis([...serviceInstanceTypes]),
      user: 'sandbox-developer',
      templateNamespace: 'klutch-system',
      logger,
      signal: stop.signal,
    });
    const cp = controlPlane.kubeconfigPath;
    const ap = app.kubeconfigPath;
    process.stdout.write(
      [
        '',
        `Klutch sandbox ready in ${((Date.now() - started) / 1000).toFixed(1)}s.`,
        ...stack.serviceOffer,
        '',
        `control plane: ${controlPlane.server}   kubeconfig ${cp}`,
        `app cluster:   ${app.server}   kubeconfig ${ap}`,
        '',
        `The app cluster is bound (provider namespace ${bound.providerNamespace} in the control plane): ${bound.bindings.join(', ')}.`,
        '',
        'Try it as an app developer, in the app cluster:',
        `  export KUBECONFIG=${ap}`,
        '  kubectl create namespace demo',
        '  kubectl apply -f examples/postgresql.yaml',
        '  kubectl -n demo get postgresqlinstances,servicebindings',
        "  kubectl -n demo get secret pg-demo-app-creds -o jsonpath='{.data.uri}' | base64 -d",
        '  kubectl apply -f examples/postgresql-backup.yaml   # then examples/postgresql-restore.yaml',
        '  kubectl apply -f examples/keyvalue.yaml            # a Redis key namespace; Secret kv-demo-app-creds',
        `The same objects also work directly in the control plane (kubeconfig ${cp}).`,
        '',
        `broker: OSB ${stack.broker.osbUrl}, backup manager ${stack.broker.backupManagerUrl} (credentials in ${join(dir, 'sandbox.json')})`,
        `provider health: ${stack.provider.healthUrl ?? '-'}/backend-health   composition health: ${stack.composition.healthUrl ?? '-'}/readyz`,
        '',
        'Press Ctrl-C to stop. Data is kept in the --dir directory for the next run.',
        '',
      ].join('\n'),
    );
    // The cluster processes are unref'd; this timer keeps the sandbox running.
    setInterval(() => undefined, 1 << 30);
  } catch (err) {
    say(`failed: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
  }
}

void main();
