import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  crdClient,
  waitForCrdEstablished,
  type CustomResourceDefinition,
  type KubeClient,
} from '@klutch/kube';

/** Reads every CRD in a directory of YAML files (one or more documents each). */
export function readCrds(dir: string): CustomResourceDefinition[] {
  const crds: CustomResourceDefinition[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const obj = doc.toJS() as CustomResourceDefinition | null;
      if (obj?.kind === 'CustomResourceDefinition') crds.push(obj);
    }
  }
  return crds;
}

/**
 * Installs or updates CRDs with server-side apply (so a newer definition
 * replaces an older one) and waits until every one is served.
 */
export async function installCrds(
  client: KubeClient,
  crds: CustomResourceDefinition[],
  opts: { fieldManager?: string; signal?: AbortSignal } = {},
): Promise<void> {
  const api = crdClient(client);
  for (const crd of crds) {
    await api.apply(crd, {
      fieldManager: opts.fieldManager ?? 'klutch-sandbox',
      force: true,
      signal: opts.signal,
    });
  }
  for (const crd of crds) {
    await waitForCrdEstablished(client, crd.metadata.name ?? '', { signal: opts.signal });
  }
}
