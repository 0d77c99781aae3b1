import type { Logger } from '@klutch/kube';
import type { Pool } from 'pg';
import type { BackupService } from '../backupManager/backupService.js';
import type { BrokerCatalog } from '../catalog/brokerCatalog.js';
import type { EngineRegistry } from '../operations/engineRegistry.js';
import type { OperationRunner } from '../operations/operationRunner.js';
import type { SecretBox } from '../state/secretBox.js';

/** What the HTTP-facing services share; passed explicitly, never global. */
export interface BrokerContext {
  pool: Pool;
  catalog: BrokerCatalog;
  secretBox: SecretBox;
  engines: EngineRegistry;
  runner: OperationRunner;
  backups: BackupService;
  /** The operation delay, to suggest a polling interval (Retry-After). */
  provisionDelayMs: number;
  /** Operations accepted but not finished, over all instances; more are answered 429. */
  maxPendingOperations: number;
  /** The OSB listener's URL; known only once it listens. */
  osbUrl: () => string;
  logger: Logger;
  /** What keeps the broker from working right now; empty when healthy. */
  healthProblems: () => string[];
}

export function dashboardUrl(context: BrokerContext, instanceId: string): string {
  return `${context.osbUrl()}/dashboard/instances/${encodeURIComponent(instanceId)}`;
}
