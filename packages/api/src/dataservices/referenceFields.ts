import { enumOf, immutable, string } from '../schema/builders.js';
import { serviceInstanceTypes } from './instanceCommon.js';

/** A reference by name to another object in the same namespace; the target cannot be swapped later. */
export function sameNamespaceRef(description: string, kindName: string) {
  return string({
    description,
    minLength: 1,
    maxLength: 253,
    rules: [
      immutable(
        `This reference cannot be changed after creation; delete this ${kindName} and create a new one for another target.`,
      ),
    ],
  });
}

export function serviceInstanceType(kindName: string) {
  return enumOf(serviceInstanceTypes, {
    description:
      'The kind of data service the referenced instance is, e.g. postgresql for a PostgresqlInstance.',
    rules: [
      immutable(`serviceInstanceType cannot be changed after creation; create a new ${kindName} instead.`),
    ],
  });
}
