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
  return `no APIServiceExportTemplate (bind.anynines.com/v1alpha1 or example-backend.klutch.anynines.com/v1alpha1, in any namespace) offers resource ${JSON.stringify(resource)} of group ${JSON.stringify(group)}; check the names, or ask the provider's operators to create a template with spec.APIServiceSelector {group: ${JSON.stringify(group)}, resource: ${JSON.stringify(resource)}}`;
}

/** The templates of one template group (bind.anynines.com or example-backend.klutch.anynines.com). */
export interface GroupTemplates {
  group: string;
  templates: readonly ExportTemplateObject[];
}

/** Anything that lists the templates the backend uses (the merged view of both groups). */
export interface TemplateLister {
  list(): ExportTemplateObject[];
}

/**
 * The templates the backend uses: those of every group alike. A namespace/name that exists in
 * several groups is a conflict: only the template of the first group (bind.anynines.com, the
 * seeds' group) is used, so bindings keep working while the conflict is reported on both objects.
 */
export function effectiveTemplates(groups: readonly GroupTemplates[]): ExportTemplateObject[] {
  const seen = new Set<string>();
  const out: ExportTemplateObject[] = [];
  for (const g of groups) {
    for (const t of g.templates) {
      const key = templateOrderKey(t);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(t);
    }
  }
  return out;
}

/** The groups that hold a template of this namespace/name, in the order of `groups`. */
export function groupsWithTemplate(
  groups: readonly GroupTemplates[],
  namespace: string,
  name: string,
): string[] {
  return groups
    .filter((g) => g.templates.some((t) => templateOrderKey(t) === `${namespace}/${name}`))
    .map((g) => g.group);
}

export interface TemplateReadiness {
  ready: boolean;
  reason?: string;
  message?: string;
}

/** Whether the template of `group` is in use, or which conflict keeps it from being the one used. */
export function templateReadiness(
  groups: readonly GroupTemplates[],
  group: string,
  namespace: string,
  name: string,
): TemplateReadiness {
  const holders = groupsWithTemplate(groups, namespace, name);
  if (holders.length <= 1) return { ready: true };
  const used = holders[0];
  const others = holders.filter((g) => g !== group);
  return {
    ready: false,
    reason: 'Conflict',
    message: `APIServiceExportTemplate ${namespace}/${name} exists in the groups ${holders.join(' and ')}; the backend uses the one in ${used ?? ''}${group === used ? ' (this one)' : ', not this one'}. Delete the template in ${group === used ? others.join(', ') : group} so that only one remains.`,
  };
}
