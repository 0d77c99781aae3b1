import { fileURLToPath } from 'node:url';
import { apiGroups } from '../registry.js';
import { docsFileName, groupDocs } from './apiDocs.js';
import { crdFileName, crdToYaml } from './crdYaml.js';

/** The repository root, found from this file's location (packages/api/src/generate). */
export const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export const crdDirectory = 'packages/api/crds';
export const docsDirectory = 'docs/api';

/** Every generated file, by path relative to the repository root. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const group of apiGroups) {
    for (const kind of group.kinds)
      files.set(`${crdDirectory}/${crdFileName(kind.crd)}`, crdToYaml(kind.crd));
    files.set(`${docsDirectory}/${docsFileName(group)}`, groupDocs(group));
  }
  return files;
}
