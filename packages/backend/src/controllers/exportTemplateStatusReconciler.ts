import { markFalse, markTrue, splitObjectKey } from '@klutch/kube';
import type { Informer, Reconciler, ResourceClient } from '@klutch/kube';
import type { ExportTemplateObject } from '../backendObjects.js';
import type { GroupTemplates } from '../exportTemplates.js';
import { templateReadiness } from '../exportTemplates.js';
import { patchStatus } from '../objectWrites.js';

export interface ExportTemplateStatusReconcilerDeps {
  /** The template group this reconciler writes. */
  group: string;
  client: ResourceClient<ExportTemplateObject>;
  templates: Informer<ExportTemplateObject>;
  /** The templates of every group, in precedence order. */
  allGroups: () => GroupTemplates[];
  now?: () => Date;
}

/**
 * Ready on an APIServiceExportTemplate: True while the backend uses it, False with reason
 * Conflict while a template of the same namespace and name exists in the other template group.
 * The same reconciler runs for both groups, so the conflict shows on both objects.
 */
export function createExportTemplateStatusReconciler(deps: ExportTemplateStatusReconcilerDeps): Reconciler {
  const now = deps.now ?? (() => new Date());
  return async (key, { signal, logger }) => {
    const template = deps.templates.get(key);
    if (!template || template.metadata.deletionTimestamp) return;
    const { namespace, name } = splitObjectKey(key);
    const readiness = templateReadiness(deps.allGroups(), deps.group, namespace ?? '', name);
    const conditions = readiness.ready
      ? markTrue(template.status?.conditions, 'Ready', now())
      : markFalse(
          template.status?.conditions,
          'Ready',
          readiness.reason ?? 'Conflict',
          'Warning',
          readiness.message ?? '',
          now(),
        );
    if (!readiness.ready) logger.info({ group: deps.group }, readiness.message ?? 'template conflict');
    await patchStatus(deps.client, template, { ...template.status, conditions }, signal);
  };
}
