import { array, boolean, enumOf, map, object, required, string } from '../schema/builders.js';
import type { Infer, Props, Schema } from '../schema/builders.js';
import type { ValidationRule } from '../schema/jsonSchema.js';

/** Group names are DNS subdomains; the core group is the empty string. */
export const groupPattern = '^(|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$';
/** Plural resource names as the API server accepts them in CRDs. */
export const resourcePattern = '^[a-z][-a-z0-9]*[a-z0-9]$';

const matcher = object(
  {
    pattern: string({
      description: 'A key, or a glob-like pattern with * matching any characters, e.g. app.kubernetes.io/*.',
    }),
  },
  { description: 'Selects labels or annotations by key.' },
);

function matchers(description: string): Schema<Infer<typeof matcher>[], false> {
  return array(matcher, { description });
}

const selector = object(
  {
    names: array(string({ minLength: 1 }), {
      description:
        'Names of the claimed objects; "*" claims every name. Only consumer-side events are filtered by it.',
      default: ['*'],
    }),
    namespaces: array(string({ minLength: 1 }), {
      description: 'Namespaces the claimed objects live in; "*" claims all namespaces the binding covers.',
      default: ['*'],
    }),
    labelSelectors: array(map(string()), {
      description:
        'Label sets an object must carry to be claimed (any set matches). Informational: not evaluated yet.',
    }),
    fieldSelectors: array(string(), {
      description: 'Field selectors an object must match to be claimed. Informational: not evaluated yet.',
    }),
    owner: enumOf(['Provider', 'Consumer'], {
      description:
        'Which side owns the claimed objects. The owner side is the source of truth: its copy overwrites the other side, and deleting it deletes the other copy.',
    }),
  },
  { description: 'Which objects of the claimed resource are synchronised.', default: {} },
);

const readOptions = object(
  {
    labels: matchers('Labels the consumer may read on claimed objects.'),
    labelsOnProviderOwnedObjects: matchers('Labels the consumer may read on objects the provider owns.'),
    annotations: matchers('Annotations the consumer may read on claimed objects.'),
    overrideAnnotations: matchers('Annotations that the provider may overwrite on the consumer side.'),
  },
  { description: 'Which metadata of claimed objects is visible to the other side.', default: {} },
);

const createOptions = object(
  {
    replaceExisting: boolean({
      description:
        'Whether an existing object of the same name is replaced when the claimed object is created.',
    }),
  },
  { description: 'How claimed objects are created on the other side.' },
);

const onConflictOptions = object(
  {
    recreateWhenConsumerSideDeleted: boolean({
      description: 'Whether a provider-owned object that the consumer deleted is created again.',
      default: true,
    }),
  },
  { description: 'What happens when both sides disagree about a claimed object.', default: {} },
);

const updateOptions = object(
  {
    fields: array(string(), {
      description: 'JSONPaths of the fields that are synchronised on update; empty means the whole object.',
    }),
    preserving: array(string(), {
      description: 'JSONPaths of the fields that an update must leave untouched on the receiving side.',
    }),
    alwaysRecreate: boolean({
      description: 'Whether an update deletes and recreates the object instead of patching it.',
    }),
    labels: matchers('Labels that are synchronised on update.'),
    labelsOnConsumerOwnedObjects: matchers(
      'Labels that are synchronised on update of consumer-owned objects.',
    ),
    annotations: matchers('Annotations that are synchronised on update.'),
    annotationsOnConsumerOwnedObjects: matchers(
      'Annotations that are synchronised on update of consumer-owned objects.',
    ),
  },
  { description: 'How changes to claimed objects are propagated.' },
);

export const mutuallyExclusiveAdoptDonate: ValidationRule = {
  rule: '!(has(self.autoAdopt) && self.autoAdopt && has(self.autoDonate) && self.autoDonate)',
  message:
    'autoAdopt and autoDonate are mutually exclusive: set at most one of them to true (adopt takes objects over from the other side, donate hands them over).',
};

function permissionClaimProps() {
  return {
    group: string({
      description: 'API group of the claimed resource; empty for the core group (Secrets, ConfigMaps).',
      default: '',
      pattern: groupPattern,
    }),
    resource: required(
      string({
        description: 'Plural name of the claimed resource, e.g. secrets.',
        pattern: resourcePattern,
      }),
    ),
    version: required(string({ description: 'API version of the claimed resource, e.g. v1.', minLength: 1 })),
    selector,
    required: boolean({
      description:
        'Whether the binding is useless without this claim; changes how the consent prompt is worded.',
      default: false,
    }),
    read: readOptions,
    create: createOptions,
    autoAdopt: boolean({
      description: 'Whether objects that already exist on the other side are adopted without asking.',
    }),
    autoDonate: boolean({
      description: 'Whether objects are handed over to the other side without asking.',
    }),
    onConflict: onConflictOptions,
    update: updateOptions,
  } satisfies Props;
}

/** A request to access objects of another resource (typically Secrets) that belong to a bound API. */
export const permissionClaim = object(permissionClaimProps(), {
  description:
    'A claim on objects of another resource that the bound API needs, e.g. the Secrets holding credentials.',
  rules: [mutuallyExclusiveAdoptDonate],
});

export type PermissionClaim = Infer<typeof permissionClaim>;

/** The claim as recorded on an APIServiceBinding, with the consumer's decision. */
export const acceptablePermissionClaim = object(
  {
    ...permissionClaimProps(),
    state: required(
      enumOf(['Accepted', 'Rejected'], {
        description: 'The decision of the consumer: Accepted claims are synchronised, Rejected ones are not.',
      }),
    ),
  },
  {
    description: 'A permission claim together with the decision of the consumer about it.',
    rules: [mutuallyExclusiveAdoptDonate],
  },
);

export type AcceptablePermissionClaim = Infer<typeof acceptablePermissionClaim>;

export function permissionClaims(description: string) {
  return array(permissionClaim, { description });
}
