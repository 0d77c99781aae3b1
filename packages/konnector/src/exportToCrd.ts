import { deepEqual } from '@klutch/kube';
import type { OwnerReference } from '@klutch/kube';
import { klutchApiVersion } from './konnectorNames.js';
import type { BindingObject, CrdObject, ExportObject } from './konnectorObjects.js';

/** The app-cluster CRD for an export: same name, group, names, scope and versions. */
export function serviceExportToCrd(exp: ExportObject): CrdObject {
  const name = exp.metadata.name;
  if (!name) throw new Error('APIServiceExport has no name');
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name },
    spec: {
      group: exp.spec.group,
      names: structuredClone(exp.spec.names),
      scope: exp.spec.scope,
      versions: exp.spec.versions.map((v) => {
        const out: CrdObject['spec']['versions'][number] = {
          name: v.name,
          served: v.served ?? true,
          storage: v.storage,
          schema: structuredClone(v.schema ?? { openAPIV3Schema: { type: 'object' } }),
          // Always present, possibly empty, as in the reference.
          subresources: structuredClone(v.subresources ?? {}),
        };
        if (v.deprecated !== undefined) out.deprecated = v.deprecated;
        if (v.deprecationWarning !== undefined) out.deprecationWarning = v.deprecationWarning;
        if (v.additionalPrinterColumns !== undefined)
          out.additionalPrinterColumns = structuredClone(v.additionalPrinterColumns);
        return out;
      }),
    },
  };
}

/** The controller ownerReference from an app-cluster CRD to its APIServiceBinding. */
export function bindingOwnerReference(binding: BindingObject): OwnerReference {
  const { name, uid } = binding.metadata;
  if (!name || !uid) throw new Error('APIServiceBinding needs a name and uid to own a CRD');
  return { apiVersion: klutchApiVersion, kind: 'APIServiceBinding', name, uid, controller: true };
}

/**
 * Whether the CRD carries an ownerReference to this very binding (same group, kind, name and uid).
 * A CRD without one belongs to someone else and is never overwritten.
 */
export function crdOwnedByBinding(crd: CrdObject, binding: BindingObject): boolean {
  return (crd.metadata.ownerReferences ?? []).some((ref) => {
    const group = ref.apiVersion.split('/')[0];
    return (
      group === 'klutch.anynines.com' &&
      ref.kind === 'APIServiceBinding' &&
      ref.name === binding.metadata.name &&
      ref.uid === binding.metadata.uid
    );
  });
}

/** The CRD as it should be written: the desired spec on the existing object's metadata. */
export function desiredCrd(
  existing: CrdObject | undefined,
  exp: ExportObject,
  binding: BindingObject,
): CrdObject {
  const crd = serviceExportToCrd(exp);
  const owner = bindingOwnerReference(binding);
  if (!existing) {
    crd.metadata.ownerReferences = [owner];
    return crd;
  }
  const others = (existing.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.uid);
  return {
    ...existing,
    metadata: { ...existing.metadata, ownerReferences: [...others, owner] },
    spec: { ...existing.spec, ...crd.spec },
  };
}

/** Whether writing `desired` over `existing` would change anything we manage. */
export function crdNeedsUpdate(existing: CrdObject, desired: CrdObject): boolean {
  const pick = (c: CrdObject) => ({
    group: c.spec.group,
    names: c.spec.names,
    scope: c.spec.scope,
    versions: c.spec.versions,
    owners: c.metadata.ownerReferences ?? [],
  });
  return !deepEqual(pick(existing), pick(desired));
}

/** The version the konnector syncs: the first served version, as in the reference. */
export function syncVersion(exp: ExportObject): string | undefined {
  return exp.spec.versions.find((v) => v.served ?? true)?.name;
}
