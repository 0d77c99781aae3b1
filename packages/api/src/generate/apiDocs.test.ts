import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiGroups } from '../registry.js';
import {
  array,
  enumOf,
  freeformObject,
  immutable,
  integer,
  map,
  object,
  required,
  string,
} from '../schema/builders.js';
import { constraintsOf, fieldRows, groupDocs, ruleRows, typeName } from './apiDocs.js';

void describe('API docs', () => {
  const schema = object(
    {
      plan: required(enumOf(['a', 'b'], { description: 'The plan.', rules: [immutable('plan is fixed')] })),
      items: array(
        object({ name: required(string({ description: 'Item name.' })) }, { description: 'An item.' }),
        {
          description: 'Items.',
          listType: 'map',
          listMapKeys: ['name'],
        },
      ),
      size: integer({ description: 'Size | count.', minimum: 1, maximum: 9, default: 3 }),
      labels: map(string(), { description: 'Labels.' }),
      raw: freeformObject({ description: 'Raw.' }),
    },
    {
      description: 'Spec.',
      rules: [{ rule: "self.plan == 'a' || self.size > 1", message: 'b needs size > 1', fieldPath: '.size' }],
    },
  );

  void it('flattens nested fields with types, requirements, defaults and constraints', () => {
    const rows = fieldRows(schema.json, 'spec');
    assert.deepEqual(
      rows.map((r) => [r.path, r.type, r.required]),
      [
        ['spec.plan', 'string', true],
        ['spec.items', '[]object', false],
        ['spec.items[].name', 'string', true],
        ['spec.size', 'integer', false],
        ['spec.labels', 'map[string]string', false],
        ['spec.raw', 'object (free-form)', false],
      ],
    );
    assert.deepEqual(rows[0]?.constraints, ['one of: `a`, `b`', 'immutable']);
    assert.deepEqual(rows[1]?.constraints, ['unique by name']);
    assert.equal(rows[3]?.defaultValue, 3);
    assert.deepEqual(constraintsOf(schema.json.properties?.size ?? {}), ['≥ 1', '≤ 9']);
    assert.equal(typeName({ 'x-kubernetes-int-or-string': true }), 'int or string');
  });

  void it('collects CEL rules with the field they guard', () => {
    assert.deepEqual(
      ruleRows(schema.json, 'spec').map((r) => [r.path, r.rule.message]),
      [
        ['spec', 'b needs size > 1'],
        ['spec.plan', 'plan is fixed'],
      ],
    );
  });

  void it('renders a page per group with every kind, column and rule message', () => {
    for (const group of apiGroups) {
      const page = groupDocs(group);
      for (const kind of group.kinds) {
        assert.ok(page.includes(`## ${kind.kind}\n`), `${group.group}: section ${kind.kind}`);
        const root = kind.crd.spec.versions[0]?.schema.openAPIV3Schema ?? {};
        for (const { rule } of ruleRows(root, '')) {
          assert.ok(
            page.includes(rule.message.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;')),
            `${kind.kind}: rule message listed`,
          );
        }
        for (const column of kind.crd.spec.versions[0]?.additionalPrinterColumns ?? []) {
          assert.ok(page.includes(`| ${column.name.toUpperCase()} |`), `${kind.kind}: column ${column.name}`);
        }
      }
      for (const wire of group.wireKinds) assert.ok(page.includes(`## ${wire.kind} (wire format)`));
    }
  });
});
