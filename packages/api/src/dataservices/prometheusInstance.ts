import { array, boolean, freeformObject, object } from '../schema/builders.js';
import type { ObjectOf, SpecOf, StatusOf } from '../schema/crd.js';
import { defineInstanceKind } from './instanceCommon.js';
import type { DataServiceCatalog } from './instanceCommon.js';
import { goMessages } from './planRules.js';

export const prometheusCatalog = {
  type: 'prometheus',
  product: 'a9s Prometheus',
  services: ['a9s-prometheus'] as const,
  plans: [
    'prometheus-single-small',
    'prometheus-single-big',
    'promgraf2-single-small',
    'promgraf2-single-big',
    'prometheus2-grafana10-single-small',
    'prometheus2-grafana10-single-big',
  ] as const,
  planPolicy: {
    product: 'Prometheus',
    sizes: ['small', 'big'],
    clusteredMarker: '-cluster-',
    singleToClustered: true,
    fixedMarkers: [],
    immutableMessage: `${goMessages.prometheusPlan} The plan of a Prometheus instance cannot be changed; create a new instance with the plan you need.`,
  },
} satisfies DataServiceCatalog<readonly string[], readonly string[]>;

export const prometheusParameters = object(
  {
    mappingStrictMatch: boolean({
      description:
        'Graphite exporter mapping-strict-match: when true (the default), metrics that match no mapping rule are dropped.',
    }),
    scrapeConfigs: array(freeformObject({ description: 'A Prometheus scrape_config.' }), {
      description:
        'Additional scrape targets, as Prometheus scrape_configs. The built-in targets always remain. Must be enabled by the platform operator.',
    }),
  },
  { description: 'Prometheus settings applied by the broker.' },
);

export const prometheusInstanceKind = defineInstanceKind({
  kind: 'PrometheusInstance',
  plural: 'prometheusinstances',
  catalog: prometheusCatalog,
  parameters: prometheusParameters,
});

export type PrometheusInstance = ObjectOf<typeof prometheusInstanceKind>;
export type PrometheusInstanceSpec = SpecOf<typeof prometheusInstanceKind>;
export type PrometheusInstanceStatus = StatusOf<typeof prometheusInstanceKind>;
