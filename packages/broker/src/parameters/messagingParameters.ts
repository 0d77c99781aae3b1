import { parameterSchema } from './parameterSchema.js';
import type { ParameterCatalog } from './parameterSchema.js';

/**
 * The a9s Messaging broker keys are all settings of a whole RabbitMQ node, which the sandbox shares
 * between every instance: each is refused with the reason.
 */
export const messagingParameterCatalog: ParameterCatalog = {
  schema: parameterSchema({}),
  serverLevelKeys: {
    consumer_timeout: "RabbitMQ 3.10's consumer_timeout is a setting of the whole node",
    'tls-protocols': "the sandbox's RabbitMQ node has no TLS listener (and TLS settings belong to the node)",
    'tls-ciphers': "the sandbox's RabbitMQ node has no TLS listener (and TLS settings belong to the node)",
  },
  refusedValues: {},
};
