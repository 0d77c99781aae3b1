import {
  createMergePatchWithPreconditions,
  isNotFound,
  markFalse,
  markTrue,
  splitObjectKey,
} from '@klutch/kube';
import type { Informer, Reconciler } from '@klutch/kube';
import type { BackendClients } from '../backendClients.js';
import type { CrdObject, ExportObject } from '../backendObjects.js';
import { CrdConversionError, crdToExportSpec } from '../crdToExport.js';
import type { TemplateLister } from '../exportTemplates.js';
import { findTemplate } from '../exportTemplates.js';
import { sourceSpecHashAnnotation } from '../names.js';
import { patchStatus } from '../objectWrites.js';
import { specHash } from '../specHash.js';

export const providerInSyncCondition = 'ProviderInSync';

export interface ServiceExportReconcilerDeps {
  clients: BackendClients;
  exports: Informer<ExportObject>;
  crds: Informer<CrdObject>;
  templates: TemplateLister;
  now?: () => Date;
}

/**
 * Export ↔ CRD drift (reference 2.9 `serviceexport`): the CRD-derived part of an export follows
 * its CRD (detected through the source-spec hash), `ProviderInSync` reports whether it could, and
 * an export whose CRD is gone is deleted. One reconcile writes either metadata+spec or status.
 */
export function createServiceExportReconciler(deps: ServiceExportReconcilerDeps): Reconciler {
  const now = deps.now ?? (() => new Date());
  return async (key, { signal, logger }) => {
    const exp = deps.exports.get(key);
    if (!exp || exp.metadata.deletionTimestamp) return;
    const { namespace, name } = splitObjectKey(key);
    const crd = deps.crds.get(name);
    if (!crd) {
      try {
        await deps.clients.exports.delete(name, {
          namespace,
          preconditions: { uid: exp.metadata.uid },
          signal,
        });
        logger.info('deleted APIServiceExport: its CustomResourceDefinition is gone');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }

    // The template's version filter still applies; without a template the export keeps all versions.
    const template = findTemplate(deps.templates.list(), crd.spec.group, crd.spec.names.plural);
    let crdSpec;
    try {
      crdSpec = crdToExportSpec(crd, template?.spec.APIServiceSelector.version);
    } catch (err) {
      if (!(err instanceof CrdConversionError)) throw err;
      const conditions = markFalse(
        exp.status?.conditions,
        providerInSyncCondition,
        'CustomResourceDefinitionUpdateFailed',
        'Error',
        `CustomResourceDefinition ${name} cannot be exported: ${err.message}`,
        now(),
      );
      await patchStatus(deps.clients.exports, exp, { ...exp.status, conditions }, signal);
      return;
    }

    const hash = specHash(crdSpec);
    if (exp.metadata.annotations?.[sourceSpecHashAnnotation] !== hash) {
      const modified: ExportObject = {
        ...exp,
        metadata: {
          ...exp.metadata,
          annotations: { ...exp.metadata.annotations, [sourceSpecHashAnnotation]: hash },
        },
        spec: { ...exp.spec, ...crdSpec },
      };
      const patch = createMergePatchWithPreconditions(exp, modified);
      if (patch) {
        await deps.clients.exports.patch(name, patch, 'merge', { namespace, signal });
        logger.info('APIServiceExport follows its changed CustomResourceDefinition');
      }
      // The status follows in the reconcile that this write's event triggers (never both at once).
      return;
    }
    const conditions = markTrue(exp.status?.conditions, providerInSyncCondition, now());
    await patchStatus(deps.clients.exports, exp, { ...exp.status, conditions }, signal);
  };
}
