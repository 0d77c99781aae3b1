interface Signal {
  promise: Promise<void>;
  resolve: () => void;
}

function newSignal(): Signal {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export interface Job {
  /** Jobs with the same key never run at the same time (one instance: one backup or restore at a time). */
  key: string;
  id: string;
  run(signal: AbortSignal): Promise<void>;
}

/**
 * Background jobs with a global concurrency limit and mutual exclusion per key, in FIFO order
 * (a job whose key is busy does not block jobs of other keys). Jobs report their own outcome;
 * the queue only logs what escapes them.
 */
export class KeyedJobQueue {
  private readonly queued: Job[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private completion = newSignal();
  private stopped = false;

  constructor(
    private readonly concurrency: number,
    private readonly onEscapedError: (job: Job, err: unknown) => void,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new Error('concurrency must be a positive integer');
  }

  enqueue(job: Job): void {
    if (this.stopped) return;
    if (this.queued.some((j) => j.id === job.id)) return;
    this.queued.push(job);
    this.pump();
  }

  /** Removes the key's jobs that have not started yet; returns their ids. */
  cancelQueued(key: string): string[] {
    const removed = this.queued.filter((j) => j.key === key);
    for (const job of removed) this.queued.splice(this.queued.indexOf(job), 1);
    return removed.map((j) => j.id);
  }

  isBusy(key: string): boolean {
    return this.running.has(key) || this.queued.some((j) => j.key === key);
  }

  async whenIdle(key: string): Promise<void> {
    while (this.isBusy(key) && !this.stopped) await this.completion.promise;
  }

  /** Aborts running jobs (they stay resumable in the state) and waits for them to return. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queued.length = 0;
    this.abort.abort(new Error('the broker is stopping'));
    await Promise.allSettled([...this.running.values()]);
    this.completion.resolve();
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      const next = this.queued.find((j) => !this.running.has(j.key));
      if (!next) return;
      this.queued.splice(this.queued.indexOf(next), 1);
      const done = next
        .run(this.abort.signal)
        .catch((err: unknown) => this.onEscapedError(next, err))
        .finally(() => {
          this.running.delete(next.key);
          const finished = this.completion;
          this.completion = newSignal();
          finished.resolve();
          if (!this.stopped) this.pump();
        });
      this.running.set(next.key, done);
    }
  }
}
