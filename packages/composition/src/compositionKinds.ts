import {
  backupKind,
  backupResourceKind,
  restoreKind,
  restoreResourceKind,
  serviceBindingKind,
  serviceBindingResourceKind,
  serviceInstanceKind,
} from '@klutch/api';
import type { ServiceInstanceType } from '@klutch/api';
import type { ClaimReference } from './claimReferences.js';
import type {
  BackupClaim,
  BackupManagedResource,
  Claim,
  InstanceClaim,
  ManagedResource,
  RestoreClaim,
  RestoreManagedResource,
  ServiceBindingClaim,
  ServiceBindingManagedResource,
  ServiceInstanceResource,
} from './composedObjects.js';
import {
  desiredBackup,
  desiredRestore,
  desiredServiceBinding,
  desiredServiceInstance,
} from './desiredManagedResources.js';
import { instanceKinds, isServiceInstanceType } from './instanceKinds.js';
import type { ObservedFields } from './observedStatus.js';
import {
  backupObservedFields,
  bindingObservedFields,
  instanceObservedFields,
  restoreObservedFields,
} from './observedStatus.js';

export interface ComposeSettings {
  connectionSecretNamespace: string;
  /** serviceInstanceType → why the backend does not offer it; claims of these types are not composed. */
  unofferedServices?: Readonly<Record<string, string>>;
}

/** Names of a kind as the REST API addresses it. */
export interface KindNames {
  kind: string;
  plural: string;
}

/**
 * Everything that differs between the claim kinds; the reconciler is the same for all of them.
 * Claims and managed resources arrive loosely typed from the informers: each entry narrows them
 * to its own kinds.
 */
export interface CompositionKind {
  readonly claim: KindNames;
  readonly managed: KindNames;
  /** Instance kinds: the one data service they provision (their managed resources carry it as a label). */
  readonly fixedType?: ServiceInstanceType;
  /** The data service of a claim; undefined when the claim does not name a valid one. */
  instanceType(claim: Claim): ServiceInstanceType | undefined;
  /** Other claims in the same namespace that must exist before the managed resource is created. */
  references(claim: Claim): ClaimReference[];
  /** The kinds `references` can name, so that their events wake up waiting claims. */
  readonly referencedKinds: readonly string[];
  desired(claim: Claim, name: string, settings: ComposeSettings): ManagedResource;
  observed(mr: ManagedResource | undefined): ObservedFields;
  /** Bindings also publish the credentials Secret for the app. */
  readonly publishesCredentials: boolean;
}

const names = (def: { kind: string; plural: string }): KindNames => ({ kind: def.kind, plural: def.plural });

function typeFromSpec(claim: Claim): ServiceInstanceType | undefined {
  const t = claim.spec?.serviceInstanceType;
  return isServiceInstanceType(t) ? t : undefined;
}

const allInstanceKinds = Object.values(instanceKinds).map((k) => k.kind);

function instanceReference(claim: Claim, ref: string | undefined): ClaimReference[] {
  const type = typeFromSpec(claim);
  if (!type || !ref) return [];
  return [{ kind: instanceKinds[type].kind, name: ref, field: 'spec.instanceRef' }];
}

function instanceComposition(type: ServiceInstanceType): CompositionKind {
  return {
    claim: names(instanceKinds[type]),
    managed: names(serviceInstanceKind),
    fixedType: type,
    instanceType: () => type,
    references: () => [],
    referencedKinds: [],
    desired: (claim, name) => desiredServiceInstance(claim as InstanceClaim, type, name),
    observed: (mr) => instanceObservedFields(mr as ServiceInstanceResource | undefined),
    publishesCredentials: false,
  };
}

const serviceBindingComposition: CompositionKind = {
  claim: names(serviceBindingKind),
  managed: names(serviceBindingResourceKind),
  instanceType: typeFromSpec,
  references: (claim) => instanceReference(claim, (claim as ServiceBindingClaim).spec.instanceRef),
  referencedKinds: allInstanceKinds,
  desired: (claim, name, settings) =>
    desiredServiceBinding(claim as ServiceBindingClaim, name, settings.connectionSecretNamespace),
  observed: (mr) => bindingObservedFields(mr as ServiceBindingManagedResource | undefined),
  publishesCredentials: true,
};

const backupComposition: CompositionKind = {
  claim: names(backupKind),
  managed: names(backupResourceKind),
  instanceType: typeFromSpec,
  references: (claim) => instanceReference(claim, (claim as BackupClaim).spec.instanceRef),
  referencedKinds: allInstanceKinds,
  desired: (claim, name) => desiredBackup(claim as BackupClaim, name),
  observed: (mr) => backupObservedFields(mr as BackupManagedResource | undefined),
  publishesCredentials: false,
};

const restoreComposition: CompositionKind = {
  claim: names(restoreKind),
  managed: names(restoreResourceKind),
  instanceType: typeFromSpec,
  references: (claim) => {
    const restore = claim as RestoreClaim;
    if (!restore.spec.backupRef) return [];
    return [
      {
        kind: backupKind.kind,
        name: restore.spec.backupRef,
        field: 'spec.backupRef',
        check: (target) => {
          const backupType = (target as BackupClaim).spec.serviceInstanceType;
          return backupType === restore.spec.serviceInstanceType
            ? undefined
            : `Backup "${restore.spec.backupRef}" is a backup of a ${backupType} instance, but spec.serviceInstanceType of this Restore is ${restore.spec.serviceInstanceType}; create the Restore again with serviceInstanceType ${backupType}.`;
        },
      },
    ];
  },
  referencedKinds: [backupKind.kind],
  desired: (claim, name) => desiredRestore(claim as RestoreClaim, name),
  observed: (mr) => restoreObservedFields(mr as RestoreManagedResource | undefined),
  publishesCredentials: false,
};

/** Every claim kind the composition handles: the eight instance kinds, bindings, backups, restores. */
export const compositionKinds: readonly CompositionKind[] = [
  ...Object.values(instanceKinds).map((k) => instanceComposition(k.type)),
  serviceBindingComposition,
  backupComposition,
  restoreComposition,
];
