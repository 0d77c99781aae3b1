import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isNotFound } from './kubeApiError.js';
import type { KubeClient } from './kubeClient.js';
import type { KubeObject } from './kubeObject.js';
import type { Logger } from './logger.js';
import { ResourceClient } from './resourceClient.js';

export type EventType = 'Normal' | 'Warning';

/** The fields of a core/v1 Event this recorder writes. */
export interface CoreEvent extends KubeObject {
  involvedObject: {
    apiVersion?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
  };
  reason: string;
  message: string;
  type: EventType;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host?: string };
  reportingComponent: string;
  reportingInstance: string;
}

export interface EventRecorderOptions {
  client: KubeClient;
  logger: Logger;
  /** Who reports, e.g. klutch-provider (`source.component`, `reportingComponent`). */
  component: string;
  /** This process (`reportingInstance`); default the host name. */
  instance?: string;
  /** How many distinct events are remembered to count repeats (default 4096). */
  cacheSize?: number;
  now?: () => Date;
}

/** Long messages are cut: newer event APIs reject more than 1 KiB. */
const MAX_MESSAGE = 1024;

const eventTime = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

interface Remembered {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
}

/**
 * Writes core/v1 Events about objects, so `kubectl describe` shows what
 * happened to them. A repeat (same object, type, reason and message) raises
 * the count of the existing Event instead of adding another, like client-go's
 * recorder. Recording is best effort: a failure is logged, never thrown, so it
 * cannot fail the reconcile that reports it. Never put credentials in messages.
 */
export class EventRecorder {
  private readonly events: ResourceClient<CoreEvent>;
  private readonly opts: EventRecorderOptions;
  private readonly remembered = new Map<string, Remembered>();

  constructor(opts: EventRecorderOptions) {
    this.opts = opts;
    this.events = new ResourceClient<CoreEvent>(opts.client, {
      group: '',
      version: 'v1',
      resource: 'events',
      namespaced: true,
    });
  }

  normal(obj: KubeObject, reason: string, message: string): Promise<void> {
    return this.record(obj, 'Normal', reason, message);
  }

  warning(obj: KubeObject, reason: string, message: string): Promise<void> {
    return this.record(obj, 'Warning', reason, message);
  }

  async record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message;
    // The API server accepts events about cluster-scoped objects only in "default".
    const namespace = obj.metadata.namespace ?? 'default';
    const key = JSON.stringify([obj.metadata.uid ?? obj.metadata.name, namespace, type, reason, text]);
    const now = eventTime((this.opts.now ?? (() => new Date()))());
    try {
      const seen = this.remembered.get(key);
      if (seen) {
        try {
          await this.events.patch(seen.name, { count: seen.count + 1, lastTimestamp: now }, 'merge', {
            namespace: seen.namespace,
          });
          seen.count++;
          return;
        } catch (err) {
          // The Event expired (default TTL 1 h) or was deleted: write a new one.
          if (!isNotFound(err)) throw err;
          this.remembered.delete(key);
        }
      }
      const name = `${obj.metadata.name ?? 'object'}.${randomBytes(8).toString('hex')}`;
      await this.events.create({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata.name,
          namespace: obj.metadata.namespace,
          uid: obj.metadata.uid,
          resourceVersion: obj.metadata.resourceVersion,
        },
        reason,
        message: text,
        type,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: this.opts.component, host: hostname() },
        reportingComponent: this.opts.component,
        reportingInstance: this.opts.instance ?? hostname(),
      });
      this.remember(key, { namespace, name, count: 1, firstTimestamp: now });
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message, reason }, 'recording an event failed');
    }
  }

  private remember(key: string, r: Remembered): void {
    const max = this.opts.cacheSize ?? 4096;
    if (this.remembered.size >= max) {
      const oldest = this.remembered.keys().next();
      if (!oldest.done) this.remembered.delete(oldest.value);
    }
    this.remembered.set(key, r);
  }
}
