import type { ApiGroup, WireKind } from '../registry.js';
import type { AnyKindDefinition, PrinterColumn } from '../schema/crd.js';
import type { JsonSchemaProps, ValidationRule } from '../schema/jsonSchema.js';
import { generatedHeader } from './crdYaml.js';

/** One row of a field table: a property of the schema with its dotted path. */
export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  defaultValue?: unknown;
  constraints: string[];
  description: string;
}

/** One CEL rule with the field it is attached to. */
export interface RuleRow {
  path: string;
  rule: ValidationRule;
}

export function typeName(schema: JsonSchemaProps): string {
  if (schema['x-kubernetes-int-or-string']) return 'int or string';
  if (schema.type === 'array') return `[]${schema.items ? typeName(schema.items) : 'any'}`;
  if (schema.type === 'object') {
    if (schema.additionalProperties) return `map[string]${typeName(schema.additionalProperties)}`;
    if (schema['x-kubernetes-preserve-unknown-fields'] && !schema.properties) return 'object (free-form)';
    return 'object';
  }
  if (schema.type === undefined)
    return schema['x-kubernetes-preserve-unknown-fields'] ? 'any JSON value' : 'any';
  if (schema.type === 'string' && schema.format === 'date-time') return 'string (date-time)';
  if (schema.type === 'string' && schema.format === 'byte') return 'string (base64)';
  return schema.type;
}

export function constraintsOf(schema: JsonSchemaProps): string[] {
  const out: string[] = [];
  if (schema.enum) out.push(`one of: ${schema.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (schema.pattern !== undefined) out.push(`pattern \`${schema.pattern}\``);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined) out.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) out.push(`max length ${schema.maxLength}`);
  if (schema.minItems !== undefined) out.push(`min items ${schema.minItems}`);
  if (schema.maxItems !== undefined) out.push(`max items ${schema.maxItems}`);
  if (schema['x-kubernetes-list-type'] === 'set') out.push('unique items');
  if (schema['x-kubernetes-list-type'] === 'map') {
    out.push(`unique by ${(schema['x-kubernetes-list-map-keys'] ?? []).join(', ')}`);
  }
  const rules = schema['x-kubernetes-validations'] ?? [];
  if (rules.some((r) => r.rule === 'self == oldSelf')) out.push('immutable');
  if (rules.some((r) => r.rule !== 'self == oldSelf')) out.push('CEL rules (see Validation rules)');
  return out;
}

/** Flattens a schema into rows, depth first, in declaration order. */
export function fieldRows(schema: JsonSchemaProps, prefix: string): FieldRow[] {
  const rows: FieldRow[] = [];
  const visit = (node: JsonSchemaProps, path: string) => {
    const properties = node.type === 'array' ? node.items?.properties : node.properties;
    const required = new Set(node.type === 'array' ? (node.items?.required ?? []) : (node.required ?? []));
    const childPrefix = node.type === 'array' ? `${path}[]` : path;
    for (const [name, child] of Object.entries(properties ?? {})) {
      const childPath = childPrefix === '' ? name : `${childPrefix}.${name}`;
      const row: FieldRow = {
        path: childPath,
        type: typeName(child),
        required: required.has(name),
        constraints: constraintsOf(child),
        description: child.description ?? '',
      };
      if (child.default !== undefined) row.defaultValue = child.default;
      rows.push(row);
      visit(child, childPath);
    }
    if (node.type === 'object' && node.additionalProperties?.properties) {
      visit(node.additionalProperties, `${path}.<key>`);
    }
  };
  visit(schema, prefix);
  return rows;
}

/** Every CEL rule in a schema, with the path of the field that carries it. */
export function ruleRows(schema: JsonSchemaProps, path: string): RuleRow[] {
  const rows: RuleRow[] = (schema['x-kubernetes-validations'] ?? []).map((rule) => ({ path, rule }));
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    rows.push(...ruleRows(child, path === '' ? name : `${path}.${name}`));
  }
  if (schema.items) rows.push(...ruleRows(schema.items, `${path}[]`));
  if (schema.additionalProperties) rows.push(...ruleRows(schema.additionalProperties, `${path}.<key>`));
  return rows;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

/** Prose for Markdown: placeholders such as <plural> must not be read as HTML tags. */
function prose(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(text: string): string {
  // A backtick inside inline code would end it; CEL rules never contain one, but stay safe.
  return `\`${text.replace(/`/g, "'")}\``;
}

function printerColumnsTable(kind: AnyKindDefinition): string[] {
  const version = kind.crd.spec.versions[0];
  const columns: PrinterColumn[] = version?.additionalPrinterColumns ?? [];
  const lines = ['| Column | Value | Shown |', '| --- | --- | --- |', '| NAME | `.metadata.name` | always |'];
  if (kind.scope === 'Namespaced')
    lines.splice(2, 0, '| NAMESPACE | `.metadata.namespace` | with `--all-namespaces` |');
  for (const column of columns) {
    const shown = (column.priority ?? 0) > 0 ? '`-o wide`' : 'always';
    lines.push(`| ${column.name.toUpperCase()} | ${code(column.jsonPath)} | ${shown} |`);
  }
  return lines;
}

function fieldTable(rows: FieldRow[]): string[] {
  const lines = [
    '| Field | Type | Required | Default | Validation | Description |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const defaultText = row.defaultValue === undefined ? '' : code(JSON.stringify(row.defaultValue));
    lines.push(
      `| ${code(row.path)} | ${cell(row.type)} | ${row.required ? 'yes' : ''} | ${cell(defaultText)} | ${cell(
        row.constraints.join('; '),
      )} | ${cell(prose(row.description))} |`,
    );
  }
  return lines;
}

function rulesList(rows: RuleRow[]): string[] {
  if (rows.length === 0) return ['No CEL rules.'];
  const lines = ['| Field | Message shown when the rule fails | CEL rule |', '| --- | --- | --- |'];
  for (const { path, rule } of rows) {
    const target = rule.fieldPath ? `${path}${rule.fieldPath}` : path;
    lines.push(
      `| ${code(target === '' ? '(object)' : target)} | ${cell(prose(rule.message))} | ${cell(code(rule.rule))} |`,
    );
  }
  return lines;
}

function kindSection(kind: AnyKindDefinition): string[] {
  const root = kind.crd.spec.versions[0]?.schema.openAPIV3Schema ?? {};
  const names = kind.crd.spec.names;
  const spec = root.properties?.spec ?? {};
  const status = root.properties?.status;
  const lines = [
    `## ${kind.kind}`,
    '',
    prose(kind.description),
    '',
    `- apiVersion: \`${kind.apiVersion}\``,
    `- resource: \`${kind.plural}\` (CRD \`${kind.crdName}\`), ${kind.scope === 'Namespaced' ? 'namespaced' : 'cluster-scoped'}`,
  ];
  if (names.shortNames) lines.push(`- short names: ${names.shortNames.map((n) => `\`${n}\``).join(', ')}`);
  if (names.categories) lines.push(`- categories: ${names.categories.map((n) => `\`${n}\``).join(', ')}`);
  lines.push(`- status subresource: ${status ? 'yes' : 'no'}`);
  lines.push('', '### kubectl get columns', '', ...printerColumnsTable(kind));
  lines.push(
    '',
    '### Spec',
    '',
    ...(spec.description ? [prose(spec.description), ''] : []),
    ...fieldTable(fieldRows(spec, 'spec')),
  );
  const topLevel = Object.fromEntries(
    Object.entries(root.properties ?? {}).filter(
      ([name]) => !['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(name),
    ),
  );
  if (Object.keys(topLevel).length > 0) {
    lines.push('', '### Top-level fields', '');
    lines.push(
      ...fieldTable(fieldRows({ type: 'object', properties: topLevel, required: root.required }, '')),
    );
  }
  if (status) {
    lines.push('', '### Status', '', ...(status.description ? [prose(status.description), ''] : []));
    lines.push(...fieldTable(fieldRows(status, 'status')));
  }
  lines.push('', '### Validation rules', '', ...rulesList(ruleRows(root, '')));
  return lines;
}

function wireKindSection(group: ApiGroup, wire: WireKind): string[] {
  return [
    `## ${wire.kind} (wire format)`,
    '',
    prose(wire.description),
    '',
    `Not stored in a cluster; exchanged as JSON. Exported as \`${wire.kind[0]?.toLowerCase()}${wire.kind.slice(1)}JsonSchema\` (JSON Schema 2020-12) and the TypeScript type \`${wire.kind}\` of \`@klutch/api\` (${group.group}).`,
    '',
    ...fieldTable(fieldRows(wire.schema, '')),
  ];
}

export function groupDocs(group: ApiGroup): string {
  const lines = [
    `# ${group.group}/${group.version}: ${group.title}`,
    '',
    `<!-- ${generatedHeader} -->`,
    '',
    prose(group.introduction),
    '',
    'Rejections use the messages listed under "Validation rules". Values outside an enumeration are rejected with `Unsupported value: "<value>": supported values: ...`, numbers outside their range with `should be greater than or equal to <n>` or `should be less than or equal to <n>`.',
    '',
    '| Kind | Resource | Scope | Short names | Categories |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const kind of group.kinds) {
    const names = kind.crd.spec.names;
    lines.push(
      `| [${kind.kind}](#${kind.kind.toLowerCase()}) | \`${kind.plural}\` | ${kind.scope} | ${(names.shortNames ?? []).join(', ')} | ${(names.categories ?? []).join(', ')} |`,
    );
  }
  for (const wire of group.wireKinds) {
    lines.push(`| [${wire.kind}](#${wire.kind.toLowerCase()}-wire-format) | (wire only) | | | |`);
  }
  for (const kind of group.kinds) lines.push('', ...kindSection(kind));
  for (const wire of group.wireKinds) lines.push('', ...wireKindSection(group, wire));
  return `${lines.join('\n')}\n`;
}

export function docsFileName(group: ApiGroup): string {
  return `${group.group}.md`;
}
