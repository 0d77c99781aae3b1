import { deepEqual } from '@klutch/kube';
import type { Informer, ReconcileContext, ResourceClient } from '@klutch/kube';
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
  startSyncer: (exp: ExportObject, binding: BindingObject) => Promise<ExportSyncer>;
}

function established(crd: CrdObject): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

/** What makes a running syncer stale: a new export generation, another binding, other claims. */
export function syncerIdentity(exp: ExportObject, binding: BindingObject): string {
  return JSON.stringify([
    exp.metadata.uid,
    exp.metadata.generation,
    binding.metadata.uid,
    acceptedClaims(binding.spec.permissionClaims),
  ]);
}

/**
 * Keyed by export name: runs the export's syncer while the export, the binding and the
 * binding-owned, Established app-cluster CRD all exist (restarting it when the export generation
 * or the accepted claims change), and reports Connected/ConsumerInSync on the export.
 */
export function createExportReconciler(d: ExportReconcilerDeps) {
  return async (name: string, { signal, logger }: ReconcileContext): Promise<void> => {
    const exp = d.exports.get(`${d.providerNamespace}/${name}`);
    const binding = d.bindingNamed(name);
    const crd = d.appCrds.get(name);
    const owned = crd !== undefined && binding !== undefined && crdOwnedByBinding(crd, binding);
    const runnable = exp && binding && crd && owned && established(crd) && syncVersion(exp) !== undefined;
    const running = d.syncers.get(name);
    const identity = runnable ? syncerIdentity(exp, binding) : '';
    if (running && running.identity !== identity) {
      d.syncers.delete(name);
      await running.syncer.stop();
      logger.info({ export: name }, 'stopped syncer');
    }
    if (runnable && !d.syncers.has(name)) {
      const syncer = await d.startSyncer(exp, binding);
      d.syncers.set(name, { identity, syncer });
      logger.info({ export: name, generation: exp.metadata.generation }, 'started syncer');
    }
    if (!exp) return;
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
    if (deepEqual(status, exp.status)) return;
    await d.exportClient.update({ ...exp, status }, { subresource: 'status', signal });
  };
}
