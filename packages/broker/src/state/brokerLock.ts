import type { Logger } from '@klutch/kube';
import type { Pool, PoolClient } from 'pg';
import { acquireBrokerLock, releaseBrokerLock } from './stateDatabase.js';

const lockQuery = "SELECT pg_try_advisory_lock(hashtext('klutch-broker instance')) AS locked";

/**
 * The advisory lock that makes this broker the only one working on its state database, kept for
 * the broker's whole life. The lock lives in one database session; a restarted database server
 * or a terminated session ends it, and then another broker could start on the same state. So a
 * lost lock is taken again at once (every `retryMs`), and until it is held again `problem()` says
 * why: the broker then refuses new work and reports itself unhealthy instead of risking two
 * brokers acting on the same instances.
 */
export class BrokerLock {
  private session: PoolClient | undefined;
  private lostReason: string | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly retryMs: number,
  ) {}

  /** Takes the lock or fails with a sentence saying that another broker holds it. */
  static async acquire(pool: Pool, url: string, logger: Logger, retryMs = 1000): Promise<BrokerLock> {
    const lock = new BrokerLock(pool, logger, retryMs);
    lock.hold(await acquireBrokerLock(pool, url));
    return lock;
  }

  /** Why the broker does not hold its lock right now; undefined while it does. */
  problem(): string | undefined {
    return this.lostReason;
  }

  async release(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const session = this.session;
    this.session = undefined;
    if (session) await releaseBrokerLock(session).catch(() => undefined);
  }

  private hold(session: PoolClient): void {
    this.session = session;
    this.lostReason = undefined;
    const lost = (why: string) => {
      if (this.session !== session) return;
      this.session = undefined;
      // The session is broken: hand it back for destruction, never for reuse.
      session.release(true);
      if (this.stopped) return;
      this.lostReason = `the broker lost its lock on the state database (${why}); it takes no new work until it holds the lock again`;
      this.logger.error({ err: why }, 'lost the state database session that holds the broker lock');
      this.scheduleRetry();
    };
    session.on('error', (err) => lost(err.message));
    session.on('end', () => lost('the session ended'));
  }

  private scheduleRetry(): void {
    this.retry = setTimeout(() => void this.tryAgain(), this.retryMs);
    this.retry.unref();
  }

  private async tryAgain(): Promise<void> {
    if (this.stopped) return;
    let session: PoolClient | undefined;
    try {
      session = await this.pool.connect();
      const { rows } = await session.query<{ locked: boolean }>(lockQuery);
      if (rows[0]?.locked === true && !this.stopped) {
        this.hold(session);
        this.logger.info('holds the state database lock again');
        return;
      }
      session.release();
      if (rows[0]?.locked !== true)
        this.lostReason =
          'another broker holds the lock on the state database; stop one of them, two brokers must never share a state database';
    } catch (err) {
      session?.release(true);
      this.lostReason = `the broker lost its lock on the state database and cannot take it again: ${(err as Error).message}`;
    }
    if (!this.stopped) this.scheduleRetry();
  }
}
