import { chmod, mkdir } from 'node:fs/promises';
import type { Logger } from '@klutch/kube';
import { startManagedMariadb } from './managedMariadb.js';
import { startManagedPostgres } from './managedPostgres.js';
import { startManagedRedis } from './managedRedis.js';
import type { ManagedServer } from './managedPostgres.js';
import { startManagedRabbitmq } from './managedRabbitmq.js';
import type { ManagedRabbitmq } from './managedRabbitmq.js';

export interface ManagedServersOptions {
  /** Data, sockets and secrets of the servers. */
  dir: string;
  postgresBinDir?: string;
  /** Whether to run MariaDB too (when its binaries are installed). */
  mariadb: boolean;
  /** Whether to run a RabbitMQ node too (when rabbitmq-server is installed). */
  rabbitmq: boolean;
  /** Whether to run Redis too (when redis-server is installed). */
  redis: boolean;
  logger: Logger;
}

export interface ManagedServers {
  postgres: ManagedServer;
  mariadb?: ManagedServer;
  /** Why there is no MariaDB server, when there is none. */
  mariadbUnavailable?: string;
  rabbitmq?: ManagedRabbitmq;
  /** Why there is no RabbitMQ node, when there is none. */
  rabbitmqUnavailable?: string;
  redis?: ManagedServer;
  /** Why there is no Redis server, when there is none. */
  redisUnavailable?: string;
  /** A sentence per server that is not running (it is being restarted). */
  problems(): string[];
  stop(): Promise<void>;
}

/** The broker's own database servers, which require a password for every connection. */
export async function startManagedServers(options: ManagedServersOptions): Promise<ManagedServers> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  // The server accounts must pass through to their own directories, but not list or read the
  // broker's files here (the admin passwords).
  await chmod(options.dir, 0o711);
  // A RabbitMQ node takes many seconds to boot: it starts while the database servers do.
  const rabbitmqStarting: Promise<ManagedRabbitmq | string> = options.rabbitmq
    ? startManagedRabbitmq({ dir: options.dir, logger: options.logger.child({ server: 'rabbitmq' }) }).catch(
        (err: unknown) => `the managed RabbitMQ node cannot start: ${(err as Error).message}`,
      )
    : Promise.resolve('the managed RabbitMQ node is switched off');
  let postgres: ManagedServer;
  try {
    postgres = await startManagedPostgres({
      dir: options.dir,
      binDir: options.postgresBinDir,
      logger: options.logger.child({ server: 'postgresql' }),
    });
  } catch (err) {
    const rabbit = await rabbitmqStarting;
    if (typeof rabbit !== 'string') await rabbit.stop();
    throw err;
  }
  let mariadb: ManagedServer | undefined;
  let mariadbUnavailable: string | undefined;
  if (options.mariadb) {
    try {
      mariadb = await startManagedMariadb({
        dir: options.dir,
        logger: options.logger.child({ server: 'mariadb' }),
      });
    } catch (err) {
      mariadbUnavailable = `the managed MariaDB server cannot start: ${(err as Error).message}`;
    }
  } else {
    mariadbUnavailable = 'the managed MariaDB server is switched off';
  }
  const rabbit = await rabbitmqStarting;
  const rabbitmq = typeof rabbit === 'string' ? undefined : rabbit;
  const rabbitmqUnavailable = typeof rabbit === 'string' ? rabbit : undefined;
  if (rabbitmqUnavailable) options.logger.warn({ reason: rabbitmqUnavailable }, 'no managed RabbitMQ node');
  let redis: ManagedServer | undefined;
  let redisUnavailable: string | undefined;
  if (options.redis) {
    try {
      redis = await startManagedRedis({
        dir: options.dir,
        logger: options.logger.child({ server: 'redis' }),
      });
    } catch (err) {
      redisUnavailable = `the managed Redis server cannot start: ${(err as Error).message}`;
    }
  } else {
    redisUnavailable = 'the managed Redis server is switched off';
  }
  return {
    postgres,
    mariadb,
    mariadbUnavailable,
    rabbitmq,
    rabbitmqUnavailable,
    redis,
    redisUnavailable,
    problems: () => {
      const servers: Array<[string, Pick<ManagedServer, 'server'> | undefined]> = [
        ['PostgreSQL', postgres],
        ['MariaDB', mariadb],
        ['RabbitMQ', rabbitmq],
        ['Redis', redis],
      ];
      return servers
        .filter(([, server]) => server !== undefined && !server.server.running)
        .map(([name]) => `the managed ${name} server is not running; the broker is restarting it`);
    },
    stop: async () => {
      await Promise.all([postgres.stop(), mariadb?.stop(), rabbitmq?.stop()]);
      await Promise.all([postgres.stop(), mariadb?.stop(), redis?.stop()]);
    },
  };
}
