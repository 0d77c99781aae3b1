import { bindGroup, exampleBackendGroup } from '@klutch/api';
import type { Controller, Informer, ResourceClient } from '@klutch/kube';
import type { BackendClients } from './backendClients.js';
import type { ExportTemplateObject } from './backendObjects.js';
import { createExportTemplateStatusReconciler } from './controllers/exportTemplateStatusReconciler.js';
import { effectiveTemplates } from './exportTemplates.js';
import type { GroupTemplates, TemplateLister } from './exportTemplates.js';

export interface ExportTemplateSet {
  /** The templates of both groups as the backend uses them (see effectiveTemplates). */
  lister: TemplateLister;
  /** One informer per template group, for watches. */
  informers: Informer<ExportTemplateObject>[];
  /** The status controllers (Ready / Conflict) of both groups. */
  controllers: Controller[];
}

/**
 * Templates of both groups through one code path: bind.anynines.com first (it wins a conflict),
 * then example-backend.klutch.anynines.com.
 */
export function exportTemplateSet(
  clients: BackendClients,
  informer: (resource: ResourceClient<ExportTemplateObject>, name: string) => Informer<ExportTemplateObject>,
  controller: (
    name: string,
    reconcile: ReturnType<typeof createExportTemplateStatusReconciler>,
  ) => Controller,
): ExportTemplateSet {
  const sources = [
    { group: bindGroup, client: clients.templates },
    { group: exampleBackendGroup, client: clients.exampleBackendTemplates },
  ].map((s) => ({ ...s, informer: informer(s.client, `apiserviceexporttemplates.${s.group}`) }));
  const allGroups = (): GroupTemplates[] =>
    sources.map((s) => ({ group: s.group, templates: s.informer.list() }));
  const controllers = sources.map((s) => {
    const c = controller(
      `exporttemplate-${s.group}`,
      createExportTemplateStatusReconciler({
        group: s.group,
        client: s.client,
        templates: s.informer,
        allGroups,
      }),
    );
    // A change in either group can start or end a conflict of the same-named template here.
    for (const other of sources) c.watch(other.informer);
    return c;
  });
  return {
    lister: { list: () => effectiveTemplates(allGroups()) },
    informers: sources.map((s) => s.informer),
    controllers,
  };
}

/** Lists the templates of both groups from the API server (for one-off reads outside controllers). */
export async function listAllTemplates(
  clients: BackendClients,
  signal?: AbortSignal,
): Promise<ExportTemplateObject[]> {
  const [bind, exampleBackend] = await Promise.all([
    clients.templates.listAll({ signal }),
    clients.exampleBackendTemplates.listAll({ signal }),
  ]);
  return effectiveTemplates([
    { group: bindGroup, templates: bind.items },
    { group: exampleBackendGroup, templates: exampleBackend.items },
  ]);
}
