import { klutchApiVersion } from '@klutch/api';
import {
  isAlreadyExists,
  isInvalid,
  isNotFound,
  markFalse,
  markTrue,
  setSummary,
  splitObjectKey,
} from '@klutch/kube';
import type { Condition, Informer, Reconciler } from '@klutch/kube';
import type { BackendClients } from '../backendClients.js';
import type { CrdObject, ExportObject, ExportRequestObject } from '../backendObjects.js';
import type { ClusterScopedIsolation, ConsumerScope } from '../backendSettings.js';
import { CrdConversionError, crdToExportSpec } from '../crdToExport.js';
import type { TemplateLister } from '../exportTemplates.js';
import { findTemplate, missingTemplateMessage } from '../exportTemplates.js';
import { nextRequestStep } from '../exportRequestPhase.js';
import type { RequestPhase, RequestTimings } from '../exportRequestPhase.js';
import { resourceObjectName, sourceSpecHashAnnotation } from '../names.js';
import { patchStatus } from '../objectWrites.js';
import { specHash } from '../specHash.js';
import { exportIsolation, isolationNotEnforceableReason } from '../tenantIsolation.js';

export const exportsReadyCondition = 'ExportsReady';

export interface ExportRequestReconcilerDeps {
  clients: BackendClients;
  requests: Informer<ExportRequestObject>;
  exports: Informer<ExportObject>;
  crds: Informer<CrdObject>;
  templates: TemplateLister;
  consumerScope: ConsumerScope;
  clusterScopedIsolation: ClusterScopedIsolation;
  timings: RequestTimings;
  now?: () => Date;
}

/** `terminal`: the backend's settings refuse it; waiting cannot help, so the request fails at once. */
type ResourceFailure = { reason: string; message: string; terminal?: boolean };

/**
 * Export request → APIServiceExports (reference 2.9 `serviceexportrequest`): a snapshot of each
 * requested CRD, with permission claims from the template and informerScope from the backend's
 * consumer scope. A resource whose objects the backend's settings cannot keep apart between
 * consumers is refused (`IsolationNotEnforceable`, tenantIsolation.ts) and fails the request at
 * once. Pending → Succeeded, or Failed after `failAfterMs` of failures; finished requests are
 * deleted `deleteAfterMs` after creation, on a timer.
 */
export function createExportRequestReconciler(deps: ExportRequestReconcilerDeps): Reconciler {
  const now = deps.now ?? (() => new Date());
  return async (key, { signal, logger }) => {
    const request = deps.requests.get(key);
    if (!request) return;
    const { namespace } = splitObjectKey(key);
    if (!namespace || request.metadata.deletionTimestamp) return;
    const t = now();
    const ageMs = t.getTime() - Date.parse(request.metadata.creationTimestamp ?? t.toISOString());
    const phase: RequestPhase = request.status?.phase ?? 'Pending';

    if (phase !== 'Pending') {
      const step = nextRequestStep(phase, ageMs, undefined, deps.timings);
      if (step.kind === 'delete') {
        try {
          await deps.clients.exportRequests.delete(request.metadata.name ?? '', {
            namespace,
            preconditions: { uid: request.metadata.uid },
            signal,
          });
          logger.info('deleted finished export request');
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        return;
      }
      return { requeueAfterMs: step.recheckAfterMs };
    }

    let failure: ResourceFailure | undefined;
    for (const res of request.spec.resources) {
      const group = res.group ?? '';
      const crdName = resourceObjectName(group, res.resource);
      const f = await ensureExport(crdName, group, res.resource);
      // A refusal outranks a failure that might still heal: it decides the request's outcome.
      if (f && (!failure || (f.terminal === true && failure.terminal !== true))) failure = f;
    }

    let conditions: Condition[] | undefined = request.status?.conditions;
    conditions = failure
      ? markFalse(conditions, exportsReadyCondition, failure.reason, 'Error', failure.message, t)
      : markTrue(conditions, exportsReadyCondition, t);
    conditions = setSummary(conditions, t);
    const step = nextRequestStep(
      'Pending',
      ageMs,
      failure ? { ok: false, message: failure.message, terminal: failure.terminal === true } : { ok: true },
      deps.timings,
    );
    if (step.kind === 'delete') return;
    const status = {
      ...request.status,
      phase: step.phase,
      conditions,
      ...(step.terminalMessage !== undefined ? { terminalMessage: step.terminalMessage } : {}),
    };
    await patchStatus(deps.clients.exportRequests, request, status, signal);
    if (step.phase === 'Failed') logger.info({ message: step.terminalMessage }, 'export request failed');
    return { requeueAfterMs: step.recheckAfterMs };

    async function ensureExport(
      crdName: string,
      group: string,
      resource: string,
    ): Promise<ResourceFailure | undefined> {
      const crd = deps.crds.get(crdName);
      if (!crd) {
        return {
          reason: 'CRDNotFound',
          message: `CustomResourceDefinition ${crdName} in the service provider cluster not found; the provider must install it (and offer it with an APIServiceExportTemplate) before it can be bound`,
        };
      }
      // Checked before an existing export counts as success: an export left from other settings
      // must not make an unenforceable combination look fine.
      const isolation = exportIsolation(crd.spec.scope, deps.consumerScope, deps.clusterScopedIsolation);
      if (isolation.kind === 'refused') {
        return {
          reason: isolationNotEnforceableReason,
          message: `${crdName} cannot be exported with these backend settings: ${isolation.message}`,
          terminal: true,
        };
      }
      if (deps.exports.get(`${namespace}/${crdName}`)) return undefined;
      const template = findTemplate(deps.templates.list(), group, resource);
      if (!template)
        return {
          reason: 'APIServiceExportTemplateNotFound',
          message: missingTemplateMessage(group, resource),
        };
      let crdSpec;
      try {
        crdSpec = crdToExportSpec(crd, template.spec.APIServiceSelector.version);
      } catch (err) {
        if (err instanceof CrdConversionError) {
          return {
            reason: 'CRDInvalid',
            message: `CustomResourceDefinition ${crdName} cannot be exported: ${err.message}`,
          };
        }
        throw err;
      }
      const exportObject: ExportObject = {
        apiVersion: klutchApiVersion,
        kind: 'APIServiceExport',
        metadata: {
          name: crdName,
          namespace,
          annotations: { [sourceSpecHashAnnotation]: specHash(crdSpec) },
        },
        spec: {
          ...crdSpec,
          ...(template.spec.permissionClaims && template.spec.permissionClaims.length > 0
            ? { permissionClaims: template.spec.permissionClaims }
            : {}),
          // A cluster-scoped resource can only be watched cluster-wide (the export's CEL rule).
          informerScope: crdSpec.scope === 'Cluster' ? 'Cluster' : deps.consumerScope,
          ...(crdSpec.scope === 'Cluster' ? { clusterScopedIsolation: deps.clusterScopedIsolation } : {}),
        },
      };
      try {
        await deps.clients.exports.create(exportObject, { signal });
        logger.info({ export: crdName }, 'created APIServiceExport');
      } catch (err) {
        if (isAlreadyExists(err)) return undefined;
        if (isInvalid(err)) {
          return {
            reason: 'CRDInvalid',
            message: `APIServiceExport ${crdName} was rejected: ${(err as Error).message}`,
          };
        }
        throw err;
      }
      return undefined;
    }
  };
}
