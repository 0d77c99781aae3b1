import type { BindingRecord, InstanceRecord, OperationRecord } from '../state/stateRecords.js';
import { a9sState } from './instanceDecisions.js';

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** The a9s `GET /instances/:id` body (reference section 6.9). */
export function a9sInstanceView(
  instance: InstanceRecord,
  bindings: readonly BindingRecord[],
  dashboardUrl: string,
) {
  return {
    id: instance.id,
    plan_guid: instance.planId,
    service_guid: instance.serviceId,
    context: {
      ...instance.context,
      organization_guid: instance.organizationGuid,
      space_guid: instance.spaceGuid,
      parameters: instance.parameters,
    },
    dashboard_url: dashboardUrl,
    deployment_name: instance.databaseName,
    state: a9sState(instance.state),
    guid_at_tenant: instance.id,
    tenant_id: instance.organizationGuid ?? '',
    provisioned_at: iso(instance.provisionedAt),
    created_at: iso(instance.createdAt),
    updated_at: iso(instance.updatedAt),
    deleted_at: iso(instance.deletedAt),
    credentials: bindings.map((b) => ({ id: b.id, instance_id: instance.id, guid_at_tenant: b.id })),
  };
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** A plain status page, the instance's `dashboard_url`. */
export function dashboardPage(
  instance: InstanceRecord,
  bindings: readonly BindingRecord[],
  lastOperation: OperationRecord | undefined,
): string {
  const rows: Array<[string, unknown]> = [
    ['Instance', instance.id],
    ['Service', instance.serviceName],
    ['Plan', instance.planName],
    ['State', instance.state],
    ['Database', instance.databaseName],
    ['Parameters', JSON.stringify(instance.parameters)],
    ['Bindings', bindings.length],
    [
      'Last operation',
      lastOperation ? `${lastOperation.kind}: ${lastOperation.state} ${lastOperation.description}` : '-',
    ],
    ['Created', instance.createdAt.toISOString()],
  ];
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(instance.serviceName)} ${escapeHtml(instance.id)}</title></head><body>`,
    `<h1>${escapeHtml(instance.serviceName)} instance</h1><table>`,
    ...rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table></body></html>',
  ].join('\n');
}
