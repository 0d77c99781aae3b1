import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { crdToYaml } from './generate/crdYaml.js';
import { allKinds, apiGroups } from './registry.js';
import type { JsonSchemaProps } from './schema/jsonSchema.js';

/** Paths of properties without a description, below `path` (array items included). */
function undocumented(schema: JsonSchemaProps, path: string): string[] {
  const node = schema.type === 'array' && schema.items ? schema.items : schema;
  const prefix = node === schema ? path : `${path}[]`;
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => [
    ...(child.description?.trim() ? [] : [`${prefix}.${name}`]),
    ...undocumented(child, `${prefix}.${name}`),
  ]);
}

void describe('kind registry', () => {
  void it('has every kind of the five groups once, with CRD names <plural>.<group>', () => {
    const names = allKinds.map((k) => k.crdName);
    assert.equal(new Set(names).size, names.length);
    assert.equal(allKinds.length, 25);
    for (const kind of allKinds) assert.equal(kind.crd.metadata.name, `${kind.plural}.${kind.group}`);
    assert.deepEqual(
      apiGroups.map((g) => `${g.group}/${g.version}`),
      [
        'klutch.anynines.com/v1alpha1',
        'bind.anynines.com/v1alpha1',
        'example-backend.klutch.anynines.com/v1alpha1',
        'anynines.com/v1',
        'dataservices.anynines.com/v1',
      ],
    );
    for (const group of apiGroups) for (const kind of group.kinds) assert.equal(kind.group, group.group);
  });

  void it('scopes the binding and data-service kinds to namespaces and the provider resources to the cluster', () => {
    for (const kind of allKinds) {
      const expected = kind.group === 'dataservices.anynines.com' ? 'Cluster' : 'Namespaced';
      assert.equal(kind.scope, expected, kind.crdName);
    }
  });

  void it('documents every spec and status field', () => {
    for (const kind of allKinds) {
      const root = kind.crd.spec.versions[0]?.schema.openAPIV3Schema;
      assert.ok(root?.description, `${kind.kind} has a description`);
      const topLevel = Object.fromEntries(
        Object.entries(root.properties ?? {}).filter(
          ([name]) => !['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(name),
        ),
      );
      assert.deepEqual(
        undocumented({ type: 'object', properties: topLevel }, ''),
        [],
        `${kind.kind}: top-level fields without description`,
      );
      for (const part of ['spec', 'status'] as const) {
        const schema: JsonSchemaProps | undefined = root.properties?.[part];
        if (!schema) continue;
        assert.ok(schema.description, `${kind.kind}.${part} has a description`);
        assert.deepEqual(undocumented(schema, part), [], `${kind.kind}: fields without description`);
      }
    }
  });

  void it('shows AGE in kubectl get and every condition column reads an existing condition list', () => {
    for (const kind of allKinds) {
      const version = kind.crd.spec.versions[0];
      const columns = version?.additionalPrinterColumns ?? [];
      assert.ok(
        columns.some((c) => c.jsonPath === '.metadata.creationTimestamp'),
        `${kind.kind} has AGE`,
      );
      if (columns.some((c) => c.jsonPath.startsWith('.status.conditions'))) {
        assert.ok(version?.schema.openAPIV3Schema.properties?.status?.properties?.conditions, kind.kind);
      }
    }
  });

  void it('writes CRD YAML that a YAML 1.1 reader (the API server) parses back to the same object', () => {
    for (const kind of allKinds) {
      const parsed: unknown = parse(crdToYaml(kind.crd), { version: '1.1' });
      assert.deepEqual(parsed, JSON.parse(JSON.stringify(kind.crd)), kind.crdName);
    }
  });
});
