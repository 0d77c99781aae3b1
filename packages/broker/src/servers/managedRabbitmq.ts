import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '@klutch/kube';
import { RabbitmqManagementApi } from '../engines/rabbitmqManagementApi.js';
import { serverAccountFor } from './serverAccount.js';
import {
  assertReachableBy,
  findExecutable,
  loadServerSecrets,
  searchPath,
  serverOwnedDirectory,
  writeServerOwnedFile,
} from './serverFiles.js';
import { SupervisedServer } from './supervisedServer.js';

export interface ManagedRabbitmqOptions {
  /** The managed-servers directory; this node lives in `<dir>/rabbitmq/`. */
  dir: string;
  logger: Logger;
}

export interface ManagedRabbitmq {
  /** The management API with the administrator's credentials, e.g. http://klutch_admin:…@127.0.0.1:P. */
  managementUrl: string;
  amqpPort: number;
  server: SupervisedServer;
  stop(): Promise<void>;
}

export const rabbitmqAdminUser = 'klutch_admin';

/**
 * The node's configuration. The administrator replaces `guest` as the user a fresh node creates, so
 * `guest` (an administrator with a well-known password) never exists on this node. Every listener
 * (AMQP, management, Erlang distribution) is on the loopback address. The password is in the file
 * only while the node starts (`undefined`: the file as it stays afterwards); a fresh node reads it
 * once to create the administrator.
 */
export function rabbitmqConfig(
  ports: { amqp: number; management: number },
  adminPassword: string | undefined,
): string {
  return [
    '# Written by klutch-broker at every start; changes are overwritten.',
    `listeners.tcp.default = 127.0.0.1:${ports.amqp}`,
    'management.tcp.ip = 127.0.0.1',
    `management.tcp.port = ${ports.management}`,
    ...(adminPassword === undefined
      ? []
      : [
          `default_user = ${rabbitmqAdminUser}`,
          `default_pass = ${adminPassword}`,
          'default_user_tags.administrator = true',
          'default_permissions.configure = .*',
          'default_permissions.read = .*',
          'default_permissions.write = .*',
        ]),
    'loopback_users = none',
    'log.console = true',
    'log.console.level = warning',
    'log.file = false',
    '',
  ].join('\n');
}

/**
 * The Erlang node name: unique per managed-servers directory, so that several brokers (tests) on one
 * machine register distinct names with the shared epmd.
 */
export function rabbitmqNodeName(serverDir: string): string {
  return `klutch-${createHash('sha256').update(serverDir).digest('hex').slice(0, 12)}@localhost`;
}

/**
 * The broker's own RabbitMQ node, from the installed rabbitmq-server: its own node name, ports,
 * Erlang cookie, configuration, plugins file (the management plugin is enabled for this node only)
 * and data directory; supervised, and resumed with its virtual hosts and users on every later start.
 */
export async function startManagedRabbitmq(options: ManagedRabbitmqOptions): Promise<ManagedRabbitmq> {
  const wrapper = await findExecutable('rabbitmq-server', searchPath());
  if (!wrapper) throw new Error('rabbitmq-server is not installed (package rabbitmq-server)');
  // Debian's /usr/sbin/rabbitmq-server is a wrapper that switches users with su and redirects the
  // output to /var/log; the broker drops privileges itself and keeps the output, so it runs the
  // script the wrapper calls.
  const script = await findExecutable('rabbitmq-server', [
    join(dirname(await realpath(wrapper)), '..', 'lib', 'rabbitmq', 'bin'),
    dirname(await realpath(wrapper)),
    '/usr/lib/rabbitmq/bin',
  ]);
  if (!script) throw new Error(`cannot find the rabbitmq-server script behind ${wrapper}`);
  const account = await serverAccountFor('rabbitmq');
  if (account) await assertReachableBy(options.dir, account);
  // Three secrets files, one per port; the management port's password is unused, the distribution
  // port's password is the Erlang cookie (whoever knows it controls the node).
  const amqp = await loadServerSecrets(join(options.dir, 'rabbitmq.json'));
  const management = await loadServerSecrets(join(options.dir, 'rabbitmq-management.json'));
  const distribution = await loadServerSecrets(join(options.dir, 'rabbitmq-distribution.json'));
  const serverDir = join(options.dir, 'rabbitmq');
  const dataDir = join(serverDir, 'data');
  await serverOwnedDirectory(serverDir, account);
  const configFile = join(serverDir, 'rabbitmq.conf');
  const managementUrl = `http://${rabbitmqAdminUser}:${encodeURIComponent(amqp.adminPassword)}@127.0.0.1:${management.port}`;
  const api = new RabbitmqManagementApi(managementUrl, 5000);
  const server = await SupervisedServer.start({
    name: 'RabbitMQ',
    command: script,
    args: [],
    env: {
      HOME: serverDir,
      // exec's the Erlang VM instead of keeping a shell in front of it, so the stop signal (and the
      // parent-death signal) reaches the node itself, which shuts down cleanly on SIGTERM.
      RUNNING_UNDER_SYSTEMD: 'true',
      RABBITMQ_CONF_ENV_FILE: join(serverDir, 'rabbitmq-env.conf'),
      RABBITMQ_NODENAME: rabbitmqNodeName(serverDir),
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(amqp.port),
      RABBITMQ_DIST_PORT: String(distribution.port),
      RABBITMQ_CONFIG_FILE: configFile,
      RABBITMQ_ADVANCED_CONFIG_FILE: join(serverDir, 'advanced.config'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(serverDir, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: serverDir,
      RABBITMQ_MNESIA_DIR: dataDir,
      RABBITMQ_PLUGINS_EXPAND_DIR: join(serverDir, 'plugins-expand'),
      RABBITMQ_FEATURE_FLAGS_FILE: join(serverDir, 'feature_flags'),
      RABBITMQ_LOG_BASE: join(serverDir, 'log'),
      RABBITMQ_LOGS: '-',
      RABBITMQ_PID_FILE: join(serverDir, 'rabbitmq.pid'),
      // One scheduler without busy waiting: the sandbox shares a small machine with other servers.
      // Erlang distribution only on the loopback address.
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '+S 1:1 +sbwt none -kernel inet_dist_use_interface {127,0,0,1}',
    },
    cwd: serverDir,
    account,
    stopSignal: 'SIGTERM',
    pidFile: join(serverDir, 'rabbitmq.pid'),
    // The node's command line holds `-home <serverDir>`: how a left-over node is recognised.
    dataDir: serverDir,
    readyTimeoutMs: 180_000,
    isReady: () => api.ready(),
    beforeLaunch: async () => {
      await writeServerOwnedFile(
        configFile,
        rabbitmqConfig({ amqp: amqp.port, management: management.port }, amqp.adminPassword),
        account,
      );
      await writeServerOwnedFile(join(serverDir, 'enabled_plugins'), '[rabbitmq_management].\n', account);
      await writeServerOwnedFile(join(serverDir, 'rabbitmq-env.conf'), '', account);
      await writeServerOwnedFile(join(serverDir, '.erlang.cookie'), distribution.adminPassword, account);
    },
    onReady: async () => {
      await writeServerOwnedFile(
        configFile,
        rabbitmqConfig({ amqp: amqp.port, management: management.port }, undefined),
        account,
      );
      // A node created elsewhere (or by hand) may still have it.
      await api.deleteUser('guest');
    },
    logger: options.logger,
  });
  return { managementUrl, amqpPort: amqp.port, server, stop: () => server.stop() };
}
