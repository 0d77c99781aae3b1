import type { Infer, Schema } from './builders.js';
import type { JsonSchemaProps, ValidationRule } from './jsonSchema.js';
import type { KubeObject } from './objectMeta.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  /** Columns with priority > 0 appear only with `kubectl get -o wide`. */
  priority?: number;
  format?: string;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JsonSchemaProps };
      subresources?: { status?: Record<string, never> };
      additionalPrinterColumns?: PrinterColumn[];
    }[];
  };
}

export interface KindInput<
  G extends string,
  V extends string,
  K extends string,
  SpecS extends Schema<unknown, boolean>,
  StatusS extends Schema<unknown, boolean> | undefined,
> {
  group: G;
  version: V;
  kind: K;
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  description: string;
  spec: SpecS;
  /**
   * Fields at the top level of the object instead of under spec (Crossplane's ProviderConfigUsage
   * has no spec); an object schema whose properties and required list are merged into the root.
   */
  rootFields?: Schema<unknown, boolean>;
  /** Defaults to true; kinds whose spec has no required content may leave it out. */
  specRequired?: boolean;
  status?: StatusS;
  shortNames?: string[];
  categories?: string[];
  /** Rules on the whole object, e.g. about `metadata.name`. */
  rules?: ValidationRule[];
  printerColumns: PrinterColumn[];
}

type InferOptional<S> = S extends Schema<unknown, boolean> ? Infer<S> : never;

/**
 * One kind: its names, the generated CRD, and (as phantom types) its spec and status types. The
 * generator, the docs and the runtime all read from this object.
 */
export interface KindDefinition<ApiVersion extends string, K extends string, Spec, Status> {
  readonly group: string;
  readonly version: string;
  readonly apiVersion: ApiVersion;
  readonly kind: K;
  readonly plural: string;
  readonly singular: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly description: string;
  readonly crdName: string;
  readonly crd: CustomResourceDefinition;
  readonly __object?: KubeObject<ApiVersion, K, Spec, Status>;
}

/** The TypeScript type of an object of the given kind. */
export type ObjectOf<D> =
  D extends KindDefinition<infer A, infer K, infer Spec, infer Status>
    ? KubeObject<A, K, Spec, Status>
    : never;

export type SpecOf<D> = ObjectOf<D>['spec'];
export type StatusOf<D> = NonNullable<ObjectOf<D>['status']>;

/** kubectl's conventional AGE column, which custom printer columns otherwise replace. */
export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};

/** A column showing one field of the condition of the given type. */
export function conditionColumn(
  name: string,
  conditionType: string,
  field: 'status' | 'message' | 'reason',
  extra?: { priority?: number; description?: string },
): PrinterColumn {
  const column: PrinterColumn = {
    name,
    type: 'string',
    jsonPath: `.status.conditions[?(@.type=="${conditionType}")].${field}`,
  };
  if (extra?.description !== undefined) column.description = extra.description;
  if (extra?.priority !== undefined) column.priority = extra.priority;
  return column;
}

export function defineKind<
  const G extends string,
  const V extends string,
  const K extends string,
  SpecS extends Schema<unknown, boolean>,
  StatusS extends Schema<unknown, boolean> | undefined = undefined,
>(
  input: KindInput<G, V, K, SpecS, StatusS>,
): KindDefinition<`${G}/${V}`, K, Infer<SpecS>, InferOptional<StatusS>> {
  const singular = input.kind.toLowerCase();
  const properties: Record<string, JsonSchemaProps> = {
    apiVersion: {
      type: 'string',
      description: `The versioned schema of this representation of the object: ${input.group}/${input.version}.`,
    },
    kind: { type: 'string', description: `The REST kind of this object: ${input.kind}.` },
    metadata: { type: 'object' },
    spec: input.spec.json,
  };
  if (input.status) properties.status = input.status.json;
  Object.assign(properties, input.rootFields?.json.properties ?? {});
  const root: JsonSchemaProps = { type: 'object', description: input.description, properties };
  const requiredRoot = [
    ...((input.specRequired ?? true) ? ['spec'] : []),
    ...(input.rootFields?.json.required ?? []),
  ];
  if (requiredRoot.length > 0) root.required = requiredRoot;
  if (input.rules && input.rules.length > 0)
    root['x-kubernetes-validations'] = input.rules.map((r) => ({ ...r }));

  const names: CustomResourceDefinition['spec']['names'] = {
    kind: input.kind,
    listKind: `${input.kind}List`,
    plural: input.plural,
    singular,
  };
  if (input.shortNames && input.shortNames.length > 0) names.shortNames = [...input.shortNames];
  if (input.categories && input.categories.length > 0) names.categories = [...input.categories];

  const version: CustomResourceDefinition['spec']['versions'][number] = {
    name: input.version,
    served: true,
    storage: true,
    schema: { openAPIV3Schema: root },
  };
  if (input.status) version.subresources = { status: {} };
  if (input.printerColumns.length > 0)
    version.additionalPrinterColumns = input.printerColumns.map((c) => ({ ...c }));

  const crdName = `${input.plural}.${input.group}`;
  return {
    group: input.group,
    version: input.version,
    apiVersion: `${input.group}/${input.version}`,
    kind: input.kind,
    plural: input.plural,
    singular,
    scope: input.scope,
    description: input.description,
    crdName,
    crd: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdName },
      spec: { group: input.group, names, scope: input.scope, versions: [version] },
    },
  };
}

/** Loosely typed view used by the generator, which handles every kind alike. */
export type AnyKindDefinition = KindDefinition<string, string, unknown, unknown>;
