import type { ResourceClient } from '@klutch/kube';
import { UserFacingError } from './errorMessages.js';
import { providerApiVersion, type SecretObject, type ServiceBindingMr } from './managedResources.js';
import { connectionSecretType, fieldManager } from './names.js';

export interface SecretRef {
  namespace: string;
  name: string;
}

/** Where the binding's credentials go; a binding without a target cannot keep its credentials anywhere. */
export function connectionSecretRef(obj: ServiceBindingMr): SecretRef {
  const ref = obj.spec.writeConnectionSecretToRef;
  if (!ref?.name || !ref.namespace) {
    throw new UserFacingError(
      'spec.writeConnectionSecretToRef (namespace and name) is required: the credentials of the binding are written there',
    );
  }
  return { namespace: ref.namespace, name: ref.name };
}

function ownedBy(secret: SecretObject, owner: ServiceBindingMr): boolean {
  return (secret.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);
}

/**
 * Reads the connection Secret; undefined when it does not exist. A Secret of that name that this
 * binding does not own is never overwritten (one writer per Secret): that is an error telling the
 * user which object is in the way.
 */
export async function readConnectionSecret(
  secrets: ResourceClient<SecretObject>,
  owner: ServiceBindingMr,
  ref: SecretRef,
  signal?: AbortSignal,
): Promise<SecretObject | undefined> {
  const secret = await secrets.tryGet(ref.name, { namespace: ref.namespace, signal });
  if (secret && !ownedBy(secret, owner)) {
    throw new UserFacingError(
      `Secret "${ref.namespace}/${ref.name}" already exists and does not belong to ServiceBinding "${owner.metadata.name ?? ''}": delete it or choose another spec.writeConnectionSecretToRef`,
    );
  }
  return secret;
}

/**
 * Writes the flattened credentials with server-side apply. The binding owns the Secret, so the
 * garbage collector removes it with the binding; keys the broker no longer returns disappear.
 */
export async function writeConnectionSecret(
  secrets: ResourceClient<SecretObject>,
  owner: ServiceBindingMr,
  ref: SecretRef,
  values: Record<string, string>,
  signal?: AbortSignal,
): Promise<void> {
  const data = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]),
  );
  await secrets.apply(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: ref.name,
        namespace: ref.namespace,
        ownerReferences: [
          {
            apiVersion: providerApiVersion,
            kind: 'ServiceBinding',
            name: owner.metadata.name ?? '',
            uid: owner.metadata.uid ?? '',
            controller: true,
          },
        ],
      },
      type: connectionSecretType,
      data,
    },
    { fieldManager, force: true, namespace: ref.namespace, signal },
  );
}

/** Deletes the connection Secret if this binding owns it. */
export async function deleteConnectionSecret(
  secrets: ResourceClient<SecretObject>,
  owner: ServiceBindingMr,
  signal?: AbortSignal,
): Promise<void> {
  const ref = owner.spec.writeConnectionSecretToRef;
  if (!ref?.name || !ref.namespace) return;
  const secret = await secrets.tryGet(ref.name, { namespace: ref.namespace, signal });
  if (!secret || !ownedBy(secret, owner)) return;
  await secrets.tryDelete(ref.name, {
    namespace: ref.namespace,
    preconditions: { uid: secret.metadata.uid },
    signal,
  });
}
