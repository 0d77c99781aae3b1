import { array, dateTime, enumOf, integer, object, required, string } from '../schema/builders.js';
import type { Infer } from '../schema/builders.js';

const conditionStatus = enumOf(['True', 'False', 'Unknown'], {
  description: 'Whether the condition holds: True, False or Unknown.',
});

/**
 * The condition shape of the klutch.anynines.com kinds (the cluster-api convention that the Go
 * implementation uses): it has a severity, which the Ready summary uses to rank failures.
 */
export const klutchCondition = object(
  {
    type: required(string({ description: 'Type of the condition, e.g. Ready or Connected.', minLength: 1 })),
    status: required(conditionStatus),
    severity: enumOf(['Error', 'Warning', 'Info', ''], {
      description: 'How serious a False condition is: Error, Warning or Info. Empty when the status is True.',
    }),
    lastTransitionTime: required(
      dateTime({ description: 'When the condition last changed its status, reason, severity or message.' }),
    ),
    reason: string({ description: 'A CamelCase, machine-readable reason for the last transition.' }),
    message: string({ description: 'A human-readable explanation of the last transition.' }),
  },
  { description: 'An observation of one aspect of the object.' },
);

export type KlutchCondition = Infer<typeof klutchCondition>;

export const klutchConditions = array(klutchCondition, {
  description: 'The observed conditions of the object. Ready summarises all others.',
  listType: 'map',
  listMapKeys: ['type'],
});

/**
 * The Crossplane condition shape (Ready, Synced, ...) used by the data-service kinds, so that the
 * managed resources also work with Crossplane tooling.
 */
export const crossplaneCondition = object(
  {
    type: required(string({ description: 'Type of the condition, e.g. Ready or Synced.', minLength: 1 })),
    status: required(conditionStatus),
    reason: required(
      string({ description: 'A CamelCase, machine-readable reason for the last transition.' }),
    ),
    message: string({ description: 'A human-readable explanation of the last transition.' }),
    lastTransitionTime: required(dateTime({ description: 'When the condition last changed its status.' })),
    observedGeneration: integer({
      description: 'The metadata.generation that the condition was computed from.',
      format: 'int64',
      minimum: 0,
    }),
  },
  { description: 'An observation of one aspect of the resource.' },
);

export type CrossplaneCondition = Infer<typeof crossplaneCondition>;

export const crossplaneConditions = array(crossplaneCondition, {
  description:
    'The observed conditions of the resource: Ready tells whether it can be used, Synced whether the last reconciliation succeeded.',
  listType: 'map',
  listMapKeys: ['type'],
});
