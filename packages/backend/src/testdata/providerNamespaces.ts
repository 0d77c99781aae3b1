import type { BackendClients } from '../backendClients.js';
import { identityOf } from '../providerNamespace.js';

/** Names of every namespace that carries the identity annotation, sorted. */
export async function providerNamespaceOwnedBy(clients: BackendClients, identity: string): Promise<string[]> {
  const list = await clients.namespaces.listAll();
  return list.items
    .filter((ns) => identityOf(ns) === identity)
    .map((ns) => ns.metadata.name ?? '')
    .sort();
}
