import {
  keyvalueInstanceKind,
  logme2InstanceKind,
  mariadbInstanceKind,
  messagingInstanceKind,
  mongodbInstanceKind,
  postgresqlInstanceKind,
  prometheusInstanceKind,
  searchInstanceKind,
} from '@klutch/api';
import type { CustomResourceDefinition, ServiceInstanceType } from '@klutch/api';

/** What the composition needs to know about one app-facing instance kind. */
export interface InstanceKindInfo {
  readonly type: ServiceInstanceType;
  readonly kind: string;
  readonly plural: string;
  readonly crd: CustomResourceDefinition;
}

function info(
  type: ServiceInstanceType,
  def: { kind: string; plural: string; crd: CustomResourceDefinition },
): InstanceKindInfo {
  return { type, kind: def.kind, plural: def.plural, crd: def.crd };
}

/** The instance kind of every serviceInstanceType (e.g. postgresql → PostgresqlInstance). */
export const instanceKinds: Readonly<Record<ServiceInstanceType, InstanceKindInfo>> = {
  postgresql: info('postgresql', postgresqlInstanceKind),
  mariadb: info('mariadb', mariadbInstanceKind),
  mongodb: info('mongodb', mongodbInstanceKind),
  messaging: info('messaging', messagingInstanceKind),
  search: info('search', searchInstanceKind),
  logme2: info('logme2', logme2InstanceKind),
  prometheus: info('prometheus', prometheusInstanceKind),
  keyvalue: info('keyvalue', keyvalueInstanceKind),
};

export function isServiceInstanceType(value: unknown): value is ServiceInstanceType {
  return typeof value === 'string' && Object.hasOwn(instanceKinds, value);
}
