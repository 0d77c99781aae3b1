import type { CrdObject, ExportTemplateObject } from './backendObjects.js';

/** Whether a template offers the given group and resource (reference 2.11). */
export function templateSelects(template: ExportTemplateObject, group: string, resource: string): boolean {
  const sel = template.spec.APIServiceSelector;
  return (sel.group ?? '') === group && sel.resource === resource;
}

/**
 * The template for a group/resource: the first match in a stable order (namespace, then name),
 * so every replica and every reconcile picks the same one when several match.
 */
export function findTemplate(
  templates: readonly ExportTemplateObject[],
  group: string,
  resource: string,
): ExportTemplateObject | undefined {
  return [...templates]
    .sort((a, b) => templateOrderKey(a).localeCompare(templateOrderKey(b)))
    .find((t) => templateSelects(t, group, resource));
}

function templateOrderKey(t: ExportTemplateObject): string {
  return `${t.metadata.namespace ?? ''}/${t.metadata.name ?? ''}`;
}

/** Whether the CRD is exported by some template, honouring the template's optional version. */
export function crdIsExported(crd: CrdObject, templates: readonly ExportTemplateObject[]): boolean {
  return templates.some((t) => {
    if (!templateSelects(t, crd.spec.group, crd.spec.names.plural)) return false;
    const version = t.spec.APIServiceSelector.version;
    return version === undefined || crd.spec.versions.some((v) => v.name === version && v.served);
  });
}

/** The spec of the export request for one template-backed resource (claims come from the template). */
export function exportRequestSpecFor(
  template: ExportTemplateObject,
  group: string,
  resource: string,
): {
  resources: Array<{
    group: string;
    resource: string;
    permissionClaims?: ExportTemplateObject['spec']['permissionClaims'];
  }>;
} {
  const claims = template.spec.permissionClaims;
  return {
    resources: [{ group, resource, ...(claims && claims.length > 0 ? { permissionClaims: claims } : {}) }],
  };
}

export function missingTemplateMessage(group: string, resource: string): string {
  return `no APIServiceExportTemplate (bind.anynines.com/v1alpha1, in any namespace) offers resource ${JSON.stringify(resource)} of group ${JSON.stringify(group)}; check the names, or ask the provider's operators to create a template with spec.APIServiceSelector {group: ${JSON.stringify(group)}, resource: ${JSON.stringify(resource)}}`;
}
