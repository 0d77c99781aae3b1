import { appClusterClusterRole, appClusterPermissions } from './appClusterAccess.js';
import type { KubeObject } from '@klutch/kube';

/** The data-service APIs of group anynines.com that an AppClusterBinding can list. */
export const dataServiceApis: ReadonlyArray<{ group: string; resource: string }> = [
  ...['postgresql', 'mariadb', 'mongodb', 'messaging', 'search', 'logme2', 'prometheus', 'keyvalue'].map(
    (s) => ({ group: 'anynines.com', resource: `${s}instances` }),
  ),
  { group: 'anynines.com', resource: 'servicebindings' },
  { group: 'anynines.com', resource: 'backups' },
  { group: 'anynines.com', resource: 'restores' },
];

/**
 * The least-privilege ClusterRole shipped in examples/control-plane-mode/app-cluster-clusterrole.yaml
 * for the service account whose token the control plane uses in an app cluster (instead of
 * cluster-admin): every data-service API, and claimed Secrets and ConfigMaps.
 */
export function exampleAppClusterClusterRole(): KubeObject {
  return appClusterClusterRole(
    'klutch-control-plane',
    appClusterPermissions(dataServiceApis, [
      { group: '', resource: 'secrets' },
      { group: '', resource: 'configmaps' },
    ]),
  );
}
