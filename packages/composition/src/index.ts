// Public surface of @klutch/composition: start the controller, and the naming rules other
// components (provider tests, sandbox, e2e) rely on.
export { startComposition, defaultConnectionSecretNamespace } from './startComposition.js';
export type { CompositionHandle, CompositionOptions, LeaderElectionSettings } from './startComposition.js';
export { managedResourceName } from './managedResourceName.js';
export { claimNameLabel, claimNamespaceLabel, instanceTypeLabel } from './managedResourceLabels.js';
export { credentialsSecretName, servicebindingData } from './bindingCredentials.js';
export { compositionFieldManager, compositionFinalizer } from './claimReconciler.js';
export { toBrokerParameters } from './brokerParameters.js';
