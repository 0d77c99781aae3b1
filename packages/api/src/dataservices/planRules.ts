import type { ValidationRule } from '../schema/jsonSchema.js';

/**
 * How a service's plans may change over the lifetime of an instance. The a9s brokers can grow an
 * instance but cannot shrink it, cannot turn a cluster back into a single node, and cannot add or
 * remove TLS in place; these rules turn those broker failures into immediate API-server errors.
 */
export interface PlanChangePolicy {
  /** Human-readable product name used in messages, e.g. "PostgreSQL". */
  product: string;
  /** Size tokens from smallest to biggest, as they appear in plan names (`-nano`, `-small`, ...). */
  sizes: readonly string[];
  /** The token that marks clustered plans: `-replica-` or `-cluster-`. */
  clusteredMarker: '-replica-' | '-cluster-';
  /** Whether a single-node instance may move to a clustered plan. */
  singleToClustered: boolean;
  /** Plan name markers that must not change, e.g. `-ssl` or `-bionic`, with what they mean. */
  fixedMarkers: readonly { marker: string; meaning: string }[];
  /** When set, the plan cannot change at all and this is the message. */
  immutableMessage?: string;
}

// The texts of the Go CRDs (Klutch v1.5) come first in every message, so that scripts and tests
// written against them keep matching; our explanation follows as a second sentence.
export const goMessages = {
  downsize: 'Transition from bigger to smaller plan size is not supported.',
  /** PostgreSQL says "clustered", the services with -cluster- plans say "replicated". */
  clusteredToSingle: (word: 'clustered' | 'replicated') =>
    `Migration from ${word} to single Data Service Instance is not supported.`,
  ssl: 'Plan migrations not possible from Non-SSL to SSL and SSL to Non-SSL.',
  bionic: 'Plan migrations not possible from Non-Bionic to Bionic and Bionic to Non-Bionic.',
  prometheusPlan: 'Upgrade functionality for Prometheus plans is not supported.',
  service: 'Service is an immutable field.',
  bionicService: 'Bionic plans are only supported by a9s PostgreSQL 13.',
  mariadbSsl: 'MariaDB v10.11 only supports ssl plans.',
} as const;

const fixedMarkerGoMessages: Record<string, string> = {
  '-ssl': goMessages.ssl,
  '-bionic': goMessages.bionic,
};

/** The CEL expression giving the position of a plan's size in `sizes` (0 = smallest). */
export function sizeRankExpression(variable: string, sizes: readonly string[]): string {
  // Nested conditionals from the biggest size down; the smallest size is the fallback.
  let expr = '0';
  sizes.forEach((size, index) => {
    if (index === 0) return;
    expr = `${variable}.contains('-${size}') ? ${index} : (${expr})`;
  });
  return `(${expr})`;
}

export function sizeOfPlan(plan: string, sizes: readonly string[]): string | undefined {
  const matches = sizes.filter((size) => plan.includes(`-${size}`));
  return matches.length === 1 ? matches[0] : undefined;
}

export function planTransitionRules(policy: PlanChangePolicy): ValidationRule[] {
  if (policy.immutableMessage !== undefined) {
    return [{ rule: 'self == oldSelf', message: policy.immutableMessage }];
  }
  const rules: ValidationRule[] = [];
  if (policy.sizes.length > 1) {
    rules.push({
      rule: `${sizeRankExpression('self', policy.sizes)} >= ${sizeRankExpression('oldSelf', policy.sizes)}`,
      message: `${goMessages.downsize} A ${policy.product} instance cannot move to a smaller plan (sizes from small to big: ${policy.sizes.join(', ')}); choose a plan of the same or a bigger size.`,
    });
  }
  const clustered = policy.clusteredMarker;
  rules.push({
    rule: `!(oldSelf.contains('${clustered}') && self.contains('-single-'))`,
    message: `${goMessages.clusteredToSingle(clustered === '-replica-' && policy.product === 'PostgreSQL' ? 'clustered' : 'replicated')} A clustered ${policy.product} instance (${clustered.slice(1, -1)} plan) cannot move to a single-node plan; choose another ${clustered.slice(1, -1)} plan.`,
  });
  if (!policy.singleToClustered) {
    rules.push({
      rule: `!(oldSelf.contains('-single-') && self.contains('${clustered}'))`,
      message: `A single-node ${policy.product} instance cannot move to a clustered plan; create a new instance with a ${clustered.slice(1, -1)} plan instead.`,
    });
  }
  for (const { marker, meaning } of policy.fixedMarkers) {
    rules.push({
      rule: `self.contains('${marker}') == oldSelf.contains('${marker}')`,
      message: `${fixedMarkerGoMessages[marker] ?? ''} A ${policy.product} instance cannot switch between ${meaning} and non-${meaning} plans; choose a plan that keeps the ${marker} suffix as it is.`,
    });
  }
  return rules;
}
