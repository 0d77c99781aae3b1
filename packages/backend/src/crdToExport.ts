import type { APIServiceExportSpec } from '@klutch/api';
import type { CrdObject, CrdVersion } from './backendObjects.js';

/** The part of an export's spec that comes from the CRD (what the source-spec hash covers). */
export type ExportCrdSpec = Pick<APIServiceExportSpec, 'group' | 'names' | 'scope' | 'versions'>;
type ExportVersion = ExportCrdSpec['versions'][number];

export class CrdConversionError extends Error {}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function exportVersion(v: CrdVersion, storage: boolean): ExportVersion {
  const openAPIV3Schema = v.schema?.openAPIV3Schema;
  if (!openAPIV3Schema) {
    throw new CrdConversionError(
      `version ${v.name} has no schema.openAPIV3Schema; every exported version needs a structural schema`,
    );
  }
  return dropUndefined({
    name: v.name,
    served: v.served,
    storage,
    deprecated: v.deprecated,
    deprecationWarning: v.deprecationWarning,
    schema: { openAPIV3Schema },
    subresources: v.subresources ?? {},
    additionalPrinterColumns: v.additionalPrinterColumns as ExportVersion['additionalPrinterColumns'],
  });
}

/**
 * The CRD-derived part of an APIServiceExport (reference 1.2, CRDToServiceExport): served versions
 * only, and with webhook conversion only the storage version (the consumer cluster cannot reach
 * the provider's conversion webhook), marked as storage. `onlyVersion` (from an export template)
 * narrows the export to one version, which then becomes the consumer's storage version.
 */
export function crdToExportSpec(crd: CrdObject, onlyVersion?: string): ExportCrdSpec {
  const { group, names, scope } = crd.spec;
  let versions: ExportVersion[];
  if (crd.spec.conversion?.strategy === 'Webhook') {
    const storage = crd.spec.versions.find((v) => v.storage);
    if (!storage) throw new CrdConversionError(`CRD ${crd.metadata.name ?? ''} has no storage version`);
    versions = [exportVersion(storage, true)];
  } else {
    versions = crd.spec.versions.filter((v) => v.served).map((v) => exportVersion(v, v.storage));
  }
  if (onlyVersion !== undefined) {
    const v = versions.find((x) => x.name === onlyVersion);
    if (!v) {
      throw new CrdConversionError(
        `the export template asks for version ${onlyVersion}, but CRD ${crd.metadata.name ?? ''} does not serve it (served: ${versions.map((x) => x.name).join(', ') || 'none'})`,
      );
    }
    versions = [{ ...v, storage: true }];
  }
  if (versions.length === 0) {
    throw new CrdConversionError(`CRD ${crd.metadata.name ?? ''} serves no version`);
  }
  if (!versions.some((v) => v.storage)) {
    // The storage version is not served: the consumer still needs exactly one storage version.
    const first = versions[0];
    if (first) versions[0] = { ...first, storage: true };
  }
  return {
    group,
    names: dropUndefined({
      plural: names.plural,
      singular: names.singular,
      shortNames: names.shortNames,
      kind: names.kind,
      listKind: names.listKind,
      categories: names.categories,
    }),
    scope,
    versions,
  };
}
