import { parameterSchema } from './parameterSchema.js';
import type { ParameterCatalog } from './parameterSchema.js';

/**
 * The Prometheus broker keys (reference section 7.2). Neither can take effect in the sandbox, so
 * both are refused with the reason rather than accepted and ignored.
 */
export const prometheusParameterCatalog: ParameterCatalog = {
  schema: parameterSchema({}),
  serverLevelKeys: {
    mapping_strict_match: 'the sandbox runs no Graphite exporter; send samples by remote write instead',
    scrape_configs:
      'its Prometheus servers scrape nothing (a scrape would reach addresses of your choosing from the ' +
      "broker's machine); send samples by remote write instead",
  },
  refusedValues: {},
};
