import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { array, dateTime, immutable, object, required, string } from './builders.js';
import { toJsonSchema } from './toJsonSchema.js';

void describe('toJsonSchema', () => {
  void it('drops Kubernetes extensions, keeps validation keywords and turns nullable into a type union', () => {
    const schema = object(
      {
        name: required(string({ description: 'name', minLength: 1, rules: [immutable('fixed')] })),
        tags: array(string(), { listType: 'set' }),
        seen: dateTime({ description: 'seen', nullable: true }),
      },
      { rules: [{ rule: 'true', message: 'x' }] },
    );
    assert.deepEqual(toJsonSchema(schema, { id: 'urn:test', title: 'Test' }), {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:test',
      title: 'Test',
      type: 'object',
      properties: {
        name: { type: 'string', description: 'name', minLength: 1 },
        tags: { type: 'array', items: { type: 'string' } },
        seen: { type: ['string', 'null'], description: 'seen', format: 'date-time' },
      },
      required: ['name'],
    });
  });
});
