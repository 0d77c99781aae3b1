import { deepEqual } from '@klutch/kube';
import type { Informer, ReconcileContext, ReconcileOutcome, ResourceClient } from '@klutch/kube';
import { acceptedClaims } from './claimOwnership.js';
import { computeExportStatus } from './exportConditions.js';
import type { ExportSyncer } from './exportSyncer.js';
import { crdNeedsUpdate, crdOwnedByBinding, desiredCrd, syncVersion } from './exportToCrd.js';
import type { BindingObject, CrdObject, ExportObject } from './konnectorObjects.js';

export interface ExportReconcilerDeps {
  providerNamespace: string;
  exports: Informer<ExportObject>;
  exportClient: ResourceClient<ExportObject>;
  appCrds: Informer<CrdObject>;
  /** The bindings of this connection with the given name. */
  bindingNamed: (name: string) => BindingObject | undefined;
  syncers: Map<string, { identity: string; syncer: ExportSyncer }>;
  /** When each export's last syncer stopped because something changed (epoch ms). */
  syncerStoppedAt: Map<string, number>;
  now?: () => number;
  startSyncer: (exp: ExportObject, binding: BindingObject) => Promise<ExportSyncer>;
}

function established(crd: CrdObject): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

/**
 * What makes a running syncer stale: a new export generation, another binding, other claims, or
 * another app-cluster CRD spec. The CRD counts because an API server keeps serving watches that
 * were opened before a schema change with the old schema, pruning the new fields from every
 * object it sends; only fresh informers see them.
 */
export function syncerIdentity(exp: ExportObject, binding: BindingObject, crd: CrdObject): string {
  return JSON.stringify([
    exp.metadata.uid,
    exp.metadata.generation,
    binding.metadata.uid,
    acceptedClaims(binding.spec.permissionClaims),
    crd.metadata.uid,
    crd.metadata.generation,
  ]);
}

/**
 * How long a restarted syncer waits after the change that stopped its predecessor. The API
 * servers switch a CRD to its new schema when their own informers see the change; lists and
 * watches made before that still prune the new fields.
 */
export const syncerRestartDelayMs = 1500;

/**
 * Keyed by export name: runs the export's syncer while the export, the binding and the
 * binding-owned, Established app-cluster CRD all exist (restarting it, after a pause, when
 * syncerIdentity changes), and reports Connected/ConsumerInSync on the export.
 */
export function createExportReconciler(d: ExportReconcilerDeps) {
  const now = d.now ?? Date.now;
  return async (name: string, { signal, logger }: ReconcileContext): Promise<ReconcileOutcome | void> => {
    const exp = d.exports.get(`${d.providerNamespace}/${name}`);
    const binding = d.bindingNamed(name);
    const crd = d.appCrds.get(name);
    const owned = crd !== undefined && binding !== undefined && crdOwnedByBinding(crd, binding);
    const runnable = exp && binding && crd && owned && established(crd) && syncVersion(exp) !== undefined;
    const running = d.syncers.get(name);
    const identity = runnable ? syncerIdentity(exp, binding, crd) : '';
    if (running && running.identity !== identity) {
      d.syncers.delete(name);
      await running.syncer.stop();
      d.syncerStoppedAt.set(name, now());
      logger.info({ export: name }, 'stopped syncer');
    }
    let outcome: ReconcileOutcome | undefined;
    if (runnable && !d.syncers.has(name)) {
      const wait = (d.syncerStoppedAt.get(name) ?? -Infinity) + syncerRestartDelayMs - now();
      if (wait > 0) {
        outcome = { requeueAfterMs: wait };
      } else {
        d.syncerStoppedAt.delete(name);
        const syncer = await d.startSyncer(exp, binding);
        d.syncers.set(name, { identity, syncer });
        logger.info({ export: name, generation: exp.metadata.generation }, 'started syncer');
      }
    }
    if (!exp) return outcome;
    const schemaInSync =
      owned && binding !== undefined && !crdNeedsUpdate(crd, desiredCrd(crd, exp, binding));
    const status = computeExportStatus(exp, {
      bindingExists: binding !== undefined,
      ...(owned ? { crd } : {}),
      schemaInSync,
      ...(crd && !owned && binding
        ? {
            schemaProblem: `CustomResourceDefinition ${name} on the consumer cluster is not owned by the APIServiceBinding.`,
          }
        : crd
          ? {}
          : {
              schemaProblem: `CustomResourceDefinition ${name} is not installed on the consumer cluster yet.`,
            }),
    });
    if (!deepEqual(status, exp.status))
      await d.exportClient.update({ ...exp, status }, { subresource: 'status', signal });
    return outcome;
  };
}
