export type PlanSize = 'nano' | 'small' | 'medium' | 'big';

/** What a plan name promises. The sandbox runs every plan on the same server; only the size matters. */
export interface PlanShape {
  size: PlanSize;
  clustered: boolean;
  tls: boolean;
}

const sizes: readonly PlanSize[] = ['nano', 'small', 'medium', 'big'];

/** Parses names such as `postgresql-replica-small-ssl-bionic` or `mariadb-single-nano`. */
export function planShape(planName: string): PlanShape {
  const segments = planName.split('-');
  const size = sizes.find((s) => segments.includes(s)) ?? 'small';
  return {
    size,
    clustered: segments.includes('replica') || segments.includes('cluster'),
    tls: segments.includes('ssl'),
  };
}

const connectionLimits: Record<PlanSize, number> = { nano: 10, small: 50, medium: 100, big: 200 };

/** The connection limit a plan gives an instance unless the `max_connections` parameter overrides it. */
export function defaultConnectionLimit(planName: string): number {
  return connectionLimits[planShape(planName).size];
}

/** A one-line plan description for the catalog. */
export function describePlan(productName: string, planName: string, noun = 'database'): string {
  const shape = planShape(planName);
  const topology = shape.clustered ? 'clustered' : 'single-node';
  const tls = shape.tls ? ', TLS' : '';
  return (
    `${productName} ${shape.size} ${topology} plan${tls}: a ${noun} on the sandbox's shared ` +
    `${productName} server with a limit of ${defaultConnectionLimit(planName)} connections.`
  );
}
