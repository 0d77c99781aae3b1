import { enumOf, freeformObject, map, object, required, string } from '../schema/builders.js';
import type { PrinterColumn } from '../schema/crd.js';

// The fields Crossplane adds to every claim of Klutch v1.5. Manifests, GitOps repositories and
// scripts written for it use them, so they are part of the API even where they have no effect here
// (there is one backend per kind, and no Crossplane revision machinery); docs/compatibility.md
// says which are used and which are accepted and ignored.

/**
 * `compositionRef` names the backend. The a8s compositions of the Go project (Kubernetes-native
 * PostgreSQL run by an operator) are not offered; a manifest that asks for one is refused with a
 * message rather than quietly provisioned by a9s.
 */
export function compositionRef(name: string) {
  return object(
    {
      name: required(
        string({
          description: `Name of the backend that implements the object; the only one available is ${name}.`,
          minLength: 1,
          rules: [
            {
              rule: "!self.startsWith('a8s-')",
              message: `The a8s compositions (Kubernetes-native data services) are not offered by this installation; use compositionRef.name ${name} or leave compositionRef out.`,
            },
            {
              rule: `self.startsWith('a8s-') || self == '${name}'`,
              message: `Unsupported composition; the only one available is ${name}: use compositionRef.name ${name} or leave compositionRef out.`,
            },
          ],
        }),
      ),
    },
    { description: 'Which backend implements the object. Optional: the default is the only backend.' },
  );
}

export const compositionSelector = object(
  {
    matchLabels: required(map(string(), { description: 'Labels the composition must have.' })),
  },
  {
    description:
      'Accepted for Crossplane compatibility and ignored: there is one backend per kind, which is always used.',
  },
);

export const compositionRevisionRef = object(
  { name: required(string({ description: 'Name of the CompositionRevision.', minLength: 1 })) },
  { description: 'Accepted for Crossplane compatibility and ignored: backends have no revisions here.' },
);

export const compositionUpdatePolicy = enumOf(['Automatic', 'Manual'], {
  description:
    'Accepted for Crossplane compatibility and ignored: the backend is updated together with the control plane.',
});

export const resourceRef = object(
  {
    apiVersion: required(string({ description: 'apiVersion of the composite resource.' })),
    kind: required(string({ description: 'Kind of the composite resource.' })),
    name: required(string({ description: 'Name of the composite resource.' })),
  },
  {
    description:
      'Crossplane writes the composite resource here. Accepted and ignored: the composition controller creates the managed resource directly, named in the managed resource labels crossplane.io/claim-name and crossplane.io/claim-namespace.',
  },
);

export const claimWriteConnectionSecretToRef = object(
  { name: required(string({ description: 'Name of the Secret in the claim namespace.', minLength: 1 })) },
  {
    description:
      'Accepted for Crossplane compatibility and ignored: ServiceBinding writes the credentials to the Secret named in status.binding.name (<name>-creds unless it belongs to someone else); instances, backups and restores have no connection details.',
  },
);

export const publishConnectionDetailsTo = object(
  {
    name: required(string({ description: 'Name of the connection secret.', minLength: 1 })),
    configRef: object(
      { name: string({ description: 'Name of the StoreConfig.', default: 'default' }) },
      { description: 'The StoreConfig of the external secret store.' },
    ),
    metadata: object(
      {
        labels: map(string(), { description: 'Labels of the connection secret.' }),
        annotations: map(string(), { description: 'Annotations of the connection secret.' }),
        type: string({ description: 'Type of the connection secret.' }),
      },
      { description: 'Metadata of the connection secret.' },
    ),
  },
  {
    description:
      'Accepted for Crossplane compatibility and ignored: external secret stores are not supported; credentials are written to Kubernetes Secrets.',
  },
);

/** The Crossplane claim fields; `defaultComposition` is the one backend of the kind. */
export function claimSurfaceFields(defaultComposition: string) {
  return {
    compositionRef: compositionRef(defaultComposition),
    compositionSelector,
    compositionRevisionRef,
    compositionUpdatePolicy,
    resourceRef,
    writeConnectionSecretToRef: claimWriteConnectionSecretToRef,
    publishConnectionDetailsTo,
  };
}

/**
 * `status.managed` as the Go compositions write it: the managed resource's observation and
 * conditions, kept free-form because each kind copies different fields.
 */
export const managedStatus = freeformObject({
  description:
    'The managed resource as the Klutch v1.5 compositions report it: for instances state, createdAt, provisionedAt, updatedAt and conditions; for bindings state, serviceBindingID and conditions; for backups id, status, size, triggered_at, finished_at, downloadable and conditions; for restores restoreId, state, triggeredAt, finishedAt and conditions.',
});

/** The printer column of the Go claims. */
export const managedResourceColumn: PrinterColumn = {
  name: 'ManagedResource',
  type: 'string',
  jsonPath: '.status.managed.state',
};
