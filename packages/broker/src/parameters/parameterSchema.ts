/** The subset of JSON Schema draft-04 the broker's plan parameter schemas use. */
export interface PropertySchema {
  description?: string;
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  enum?: readonly (string | number | boolean)[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: PropertySchema;
  uniqueItems?: boolean;
  maxItems?: number;
  not?: PropertySchema;
}

export interface ParameterSchema {
  $schema: 'http://json-schema.org/draft-04/schema#';
  type: 'object';
  additionalProperties: false;
  properties: Record<string, PropertySchema>;
}

/** Everything the broker knows about the parameters of one data service. */
export interface ParameterCatalog {
  schema: ParameterSchema;
  /**
   * Broker keys that the real a9s service accepts but that are settings of a whole server, which
   * the sandbox shares between all instances. They are rejected with this explanation rather than
   * silently ignored, so an app developer never believes a setting is active when it is not.
   */
  serverLevelKeys: Readonly<Record<string, string>>;
  /**
   * Values the schema accepts (the a9s API offers them: real a9s brokers run a dedicated server per
   * instance) that would reach beyond the instance on the sandbox's shared server. Per key, each
   * refused value (for an array parameter: each refused item) with the reason.
   */
  refusedValues: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export const draft04 = 'http://json-schema.org/draft-04/schema#';

export function parameterSchema(properties: Record<string, PropertySchema>): ParameterSchema {
  return { $schema: draft04, type: 'object', additionalProperties: false, properties };
}

/** Schema for binding parameters: bindings of the sandbox take none. */
export const noParametersSchema: ParameterSchema = parameterSchema({});
