export {
  startKonnector,
  installBindingCrd,
  defaultHeartbeatIntervalMs,
  defaultInformerSyncTimeoutMs,
} from './startKonnector.js';
export type { KonnectorHandle, KonnectorOptions } from './startKonnector.js';
export {
  boundAnnotation,
  clusterNamespaceAnnotation,
  fieldManager,
  resourceOwnerAnnotation,
  syncerFinalizer,
} from './konnectorNames.js';
