import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  array,
  boolean,
  enumOf,
  freeformObject,
  immutable,
  integer,
  intOrString,
  map,
  object,
  required,
  string,
  withValidations,
} from './builders.js';

void describe('schema builders', () => {
  void it('lists required properties in declaration order and keeps optional ones out', () => {
    const schema = object({
      b: required(string({ description: 'b' })),
      a: integer({ description: 'a', minimum: 1 }),
      c: required(boolean()),
    });
    assert.deepEqual(schema.json.required, ['b', 'c']);
    assert.deepEqual(Object.keys(schema.json.properties ?? {}), ['b', 'a', 'c']);
    assert.equal(schema.json.properties?.a?.minimum, 1);
  });

  void it('omits properties and required for an empty object', () => {
    const schema = object({}, { description: 'empty' });
    assert.deepEqual(schema.json, { type: 'object', description: 'empty' });
  });

  void it('builds enums, defaults, list types and rules', () => {
    const schema = array(enumOf(['x', 'y'], { description: 'letter' }), {
      description: 'letters',
      default: ['x'],
      listType: 'set',
      maxItems: 2,
      rules: [{ rule: 'size(self) > 0', message: 'needs one' }],
    });
    assert.deepEqual(schema.json, {
      type: 'array',
      description: 'letters',
      default: ['x'],
      items: { type: 'string', description: 'letter', enum: ['x', 'y'] },
      maxItems: 2,
      'x-kubernetes-list-type': 'set',
      'x-kubernetes-validations': [{ rule: 'size(self) > 0', message: 'needs one' }],
    });
  });

  void it('rejects an empty enum', () => {
    assert.throws(() => enumOf([]), /at least one value/);
  });

  void it('marks maps, free-form values and int-or-string the way structural schemas need', () => {
    assert.deepEqual(map(string()).json, { type: 'object', additionalProperties: { type: 'string' } });
    assert.deepEqual(freeformObject().json, { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    assert.deepEqual(intOrString().json, {
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      'x-kubernetes-int-or-string': true,
    });
  });

  void it('appends rules without changing the original schema', () => {
    const base = required(string({ rules: [immutable('fixed')] }));
    const extended = withValidations(base, [{ rule: 'self != ""', message: 'not empty' }]);
    assert.equal(base.json['x-kubernetes-validations']?.length, 1);
    assert.deepEqual(
      extended.json['x-kubernetes-validations']?.map((r) => r.message),
      ['fixed', 'not empty'],
    );
    assert.equal(extended.isRequired, true);
  });
});
