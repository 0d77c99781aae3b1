import { isInvalid } from '@klutch/kube';
import type { Informer, ResourceClient } from '@klutch/kube';
import type { ConnectedState } from './bindingConditions.js';
import { crdNeedsUpdate, crdOwnedByBinding, desiredCrd, syncVersion } from './exportToCrd.js';
import type { BindingObject, CrdObject, ExportObject } from './konnectorObjects.js';

/**
 * Installs or updates the app-cluster CRD of a binding from its APIServiceExport and reports the
 * binding's Connected state. A CRD that is not owned by this binding is never touched.
 */
export async function syncBindingCrd(
  binding: BindingObject,
  d: { providerNamespace: string; exports: Informer<ExportObject>; crds: ResourceClient<CrdObject> },
  signal: AbortSignal,
): Promise<ConnectedState> {
  if (!d.exports.hasSynced()) return { state: 'pending' };
  const name = binding.metadata.name ?? '';
  const exp = d.exports.get(`${d.providerNamespace}/${name}`);
  if (!exp)
    return {
      state: 'failed',
      reason: 'APIServiceExportNotFound',
      message: `APIServiceExport ${name} not found on the service provider cluster. Rerun kubectl bind for repair.`,
    };
  if (!syncVersion(exp) || exp.spec.names.plural === undefined)
    return {
      state: 'failed',
      reason: 'APIServiceExportInvalid',
      message: `APIServiceExport ${name} on the service provider cluster serves no version. Ask the service provider to fix the export.`,
    };
  const existing = await d.crds.tryGet(name, { signal });
  if (!existing) {
    try {
      await d.crds.create(desiredCrd(undefined, exp, binding), { signal });
    } catch (err) {
      if (isInvalid(err))
        return {
          state: 'failed',
          reason: 'CustomResourceDefinitionCreateFailed',
          message: `CustomResourceDefinition ${name} could not be created: ${(err as Error).message}`,
        };
      throw err;
    }
    return { state: 'connected' };
  }
  if (!crdOwnedByBinding(existing, binding))
    return {
      state: 'failed',
      reason: 'ForeignCustomResourceDefinition',
      message: `CustomResourceDefinition ${name} is not owned by klutch.anynines.com. It was created by someone else and is left untouched; delete it (and its objects) or remove the APIServiceBinding.`,
    };
  const desired = desiredCrd(existing, exp, binding);
  if (crdNeedsUpdate(existing, desired)) {
    try {
      await d.crds.update(desired, { signal });
    } catch (err) {
      if (isInvalid(err))
        return {
          state: 'failed',
          reason: 'CustomResourceDefinitionUpdateFailed',
          message: `CustomResourceDefinition ${name} could not be updated: ${(err as Error).message}`,
        };
      throw err;
    }
  }
  return { state: 'connected' };
}
