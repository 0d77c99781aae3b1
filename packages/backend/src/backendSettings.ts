import type { KubeconfigSettings } from './consumerKubeconfig.js';

export type ConsumerScope = 'Namespaced' | 'Cluster';
export type ClusterScopedIsolation = 'Prefixed' | 'Namespaced' | 'None';

export const consumerScopes: readonly ConsumerScope[] = ['Namespaced', 'Cluster'];
export const clusterScopedIsolations: readonly ClusterScopedIsolation[] = ['Prefixed', 'Namespaced', 'None'];

/** Accepts any letter case, as the Go flags did; undefined for an unknown value. */
export function parseEnumValue<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
}

/** Problems with the external address, or undefined when it can be used. */
export function externalAddressProblem(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return `the external address ${JSON.stringify(address)} is not a URL; give the API server as consumers reach it, e.g. https://api.example.com:6443`;
  }
  if (url.protocol !== 'https:')
    return `the external address ${JSON.stringify(address)} must start with https://: consumers talk to the API server over TLS`;
  return undefined;
}

export type { KubeconfigSettings };
