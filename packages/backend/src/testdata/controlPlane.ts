import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findRepoRoot } from '@klutch/testenv';
import type { TestCluster } from '@klutch/testenv';

export const testGroup = 'test.klutch.dev';

/** Installs every CRD of packages/api and waits until they are served. */
export async function installKlutchCrds(cluster: TestCluster): Promise<void> {
  const dir = join(findRepoRoot(), 'packages', 'api', 'crds');
  const applied = await cluster.kubectl(['apply', '--server-side', '-f', dir]);
  assert.equal(applied.code, 0, applied.stderr);
  const waited = await cluster.kubectl([
    'wait',
    '--for=condition=Established',
    'crd',
    '--all',
    '--timeout=60s',
  ]);
  assert.equal(waited.code, 0, waited.stderr);
}

/** A small CRD for tests: `<plural>.test.klutch.dev` with one string field in its spec. */
export function widgetCrd(
  plural: string,
  kind: string,
  scope: 'Namespaced' | 'Cluster',
  extraField?: string,
): string {
  const props: Record<string, unknown> = { size: { type: 'string' } };
  if (extraField) props[extraField] = { type: 'integer' };
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${testGroup}` },
    spec: {
      group: testGroup,
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      scope,
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: props },
                status: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
              },
            },
          },
          subresources: { status: {} },
        },
      ],
    },
  }).replace(/x_kubernetes_preserve_unknown_fields/g, 'x-kubernetes-preserve-unknown-fields');
}

export async function applyJson(cluster: TestCluster, doc: string | object): Promise<void> {
  const r = await cluster.kubectl(['apply', '-f', '-'], {
    input: typeof doc === 'string' ? doc : JSON.stringify(doc),
  });
  assert.equal(r.code, 0, r.stderr);
}

export async function waitEstablished(cluster: TestCluster, crdName: string): Promise<void> {
  const r = await cluster.kubectl(['wait', '--for=condition=Established', `crd/${crdName}`, '--timeout=60s']);
  assert.equal(r.code, 0, r.stderr);
}

/** An APIServiceExportTemplate in namespace `templates` for a test resource, claiming Secrets. */
export function widgetTemplate(plural: string, withSecretClaim = true): object {
  return {
    apiVersion: 'bind.anynines.com/v1alpha1',
    kind: 'APIServiceExportTemplate',
    metadata: { name: plural, namespace: 'templates' },
    spec: {
      APIServiceSelector: { group: testGroup, resource: plural },
      ...(withSecretClaim
        ? {
            permissionClaims: [
              { group: '', resource: 'secrets', version: 'v1', selector: { owner: 'Provider' } },
            ],
          }
        : {}),
    },
  };
}
