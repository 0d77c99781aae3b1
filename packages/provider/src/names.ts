/**
 * The label, annotation and finalizer keys the provider shares with the composition controller and
 * with Crossplane tooling. Changing one breaks the contract with objects already in clusters.
 */

/** Claim labels on every managed resource; lookups across kinds go through them. */
export const claimNameLabel = 'crossplane.io/claim-name';
export const claimNamespaceLabel = 'crossplane.io/claim-namespace';
export const instanceTypeLabel = 'klutch.io/instance-type';

/** Crossplane's finalizer for managed resources, so Crossplane tooling recognises it. */
export const managedResourceFinalizer = 'finalizer.managedresource.crossplane.io';

/** Crossplane's annotation for the identifier of the external resource. */
export const externalNameAnnotation = 'crossplane.io/external-name';

/** Kept for objects and tools written for the Go provider, which kept the backup-manager ids here. */
export const backupIdAnnotation = 'anynines.crossplane.io/backup-id';
export const restoreIdAnnotation = 'anynines.crossplane.io/restore-id';

/** Expiry of the current binding's credentials, as the broker announced it (OSB 2.17 binding metadata). */
export const bindingExpiresAtAnnotation = 'dataservices.anynines.com/binding-expires-at';
/** When the provider will rotate the binding: the broker's renew_before, or 80 % into the lifetime. */
export const bindingRenewAtAnnotation = 'dataservices.anynines.com/binding-renew-at';
/** A rotated-away binding that still has to be unbound at the broker. */
export const predecessorBindingAnnotation = 'dataservices.anynines.com/predecessor-binding-id';

/** The Secret type Crossplane uses for connection secrets. */
export const connectionSecretType = 'connection.crossplane.io/v1alpha1';

/** Field manager of every write the provider makes. */
export const fieldManager = 'klutch-provider';

/** Component name in Events and logs. */
export const componentName = 'klutch-provider';

/** An asynchronous bind or unbind in progress (the binding status has no field for it). */
export const bindingOperationAnnotation = 'dataservices.anynines.com/binding-operation';
