import { isAlreadyExists } from '@klutch/kube';
import type { Logger } from '@klutch/kube';
import type { BackendClients } from './backendClients.js';
import type { NamespaceObject } from './backendObjects.js';
import { identityAnnotation, legacyIdentityAnnotation, providerNamespaceCandidate } from './names.js';

const maxAttempts = 20;

/** The identity of a provider namespace, under this backend's key or the Go backend's. */
export function identityOf(ns: NamespaceObject): string | undefined {
  const a = ns.metadata.annotations;
  return a?.[identityAnnotation] ?? a?.[legacyIdentityAnnotation];
}

/**
 * The identity annotations of a new provider namespace: the klutch key and the Go backend's key
 * with the same value, so that either backend finds the namespace of a consumer the other bound.
 */
export function identityAnnotations(identity: string): Record<string, string> {
  return { [identityAnnotation]: identity, [legacyIdentityAnnotation]: identity };
}

/**
 * Finds the provider namespace of an identity, or creates it (reference 2.6 step 1).
 *
 * Existing namespaces are found by their identity annotation (also the Go backend's key). A new
 * one gets a name derived from the identity, so concurrent binds of one consumer (browser retries,
 * several backend replicas) all try the same name and the API server lets exactly one create it;
 * the others get AlreadyExists, read it back and find their identity on it. Only when a candidate
 * name is held by something else does the next candidate get its turn.
 */
export async function findOrCreateProviderNamespace(
  clients: BackendClients,
  identity: string,
  prefix: string,
  logger: Logger,
  signal?: AbortSignal,
): Promise<string> {
  const all = await clients.namespaces.listAll({ signal });
  const mine = all.items.filter((ns) => identityOf(ns) === identity && !ns.metadata.deletionTimestamp);
  const names = mine.map((ns) => ns.metadata.name ?? '').sort();
  if (names.length > 1) {
    logger.warn(
      { namespaces: names },
      'several provider namespaces carry the same identity; using the first by name',
    );
  }
  if (names[0]) return names[0];

  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const name = providerNamespaceCandidate(prefix, identity, attempt);
    const existing = await clients.namespaces.tryGet(name, { signal });
    if (existing) {
      if (identityOf(existing) === identity && !existing.metadata.deletionTimestamp) return name;
      if (identityOf(existing) === identity) {
        throw new Error(
          `the provider namespace ${name} of this consumer is being deleted; bind again once it is gone`,
        );
      }
      continue;
    }
    try {
      await clients.namespaces.create(
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name, annotations: identityAnnotations(identity) },
        },
        { signal },
      );
      logger.info({ namespace: name }, 'created provider namespace');
      return name;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const winner = await clients.namespaces.tryGet(name, { signal });
      if (winner && identityOf(winner) === identity) return name;
    }
  }
  throw new Error(`no free provider namespace name for this consumer after ${maxAttempts} attempts`);
}
