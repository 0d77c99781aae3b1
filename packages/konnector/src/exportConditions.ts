import { markFalse, markTrue, setCondition, setSummary } from '@klutch/kube';
import type { Condition } from '@klutch/kube';
import type { CrdObject, ExportObject } from './konnectorObjects.js';

/** What the konnector saw on the consumer side of one export. */
export interface ConsumerSideObservation {
  bindingExists: boolean;
  /** The app-cluster CRD, when it exists. */
  crd?: CrdObject;
  /** Whether the app-cluster CRD matches the export (names, scope, versions and schemas). */
  schemaInSync: boolean;
  /** Why the schema is not in sync, for the message (e.g. a foreign CRD). */
  schemaProblem?: string;
}

const konnectorOwned = new Set(['Connected', 'ConsumerInSync', 'Ready']);
const providerOwned = new Set(['ProviderInSync']);

/**
 * The export status the konnector reports on the provider (reference 3.5 d): Connected,
 * ConsumerInSync, the consumer CRD's conditions, acceptedNames and storedVersions, and Ready as the
 * summary. Conditions written by the backend (ProviderInSync) are kept.
 */
export function computeExportStatus(
  exp: ExportObject,
  obs: ConsumerSideObservation,
  now: Date = new Date(),
): NonNullable<ExportObject['status']> {
  const previous = exp.status?.conditions ?? [];
  // Start from the backend's conditions and ours; CRD conditions are re-derived every time.
  let c: Condition[] = previous.filter((x) => konnectorOwned.has(x.type) || providerOwned.has(x.type));
  if (!obs.bindingExists) {
    c = markFalse(c, 'Connected', 'APIServiceBindingNotFound', 'Info', 'No APIServiceBinding exists.', now);
    c = markFalse(
      c,
      'ConsumerInSync',
      'NA',
      'Info',
      'No APIServiceBinding exists on the consumer cluster.',
      now,
    );
  } else {
    c = markTrue(c, 'Connected', now);
    if (obs.schemaInSync) c = markTrue(c, 'ConsumerInSync', now);
    else
      c = markFalse(
        c,
        'ConsumerInSync',
        'SchemaNotInSync',
        'Warning',
        obs.schemaProblem ??
          'The CustomResourceDefinition on the consumer cluster does not match this export yet.',
        now,
      );
  }
  for (const cc of obs.crd?.status?.conditions ?? []) {
    if (cc.type === 'Ready' || konnectorOwned.has(cc.type) || providerOwned.has(cc.type)) continue;
    const status = cc.status === 'True' ? 'True' : cc.status === 'False' ? 'False' : 'Unknown';
    c = setCondition(
      c,
      {
        type: cc.type,
        status,
        severity: status === 'True' ? '' : 'Error',
        reason: status === 'True' ? undefined : cc.reason,
        message: status === 'True' ? undefined : cc.message,
      },
      now,
    );
  }
  c = setSummary(c, now);
  const status: NonNullable<ExportObject['status']> = { ...(exp.status ?? {}), conditions: c };
  const accepted = obs.crd?.status?.acceptedNames as { kind?: string; plural?: string } | undefined;
  // The API server reports empty names until it accepted them; the export schema requires names.
  if (accepted?.kind && accepted.plural) status.acceptedNames = accepted;
  if (obs.crd?.status?.storedVersions !== undefined) status.storedVersions = obs.crd.status.storedVersions;
  return status;
}
