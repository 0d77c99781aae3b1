import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crdDirectory, docsDirectory } from './outputs.js';

export interface Staleness {
  /** Files whose content differs from the generator output, or that do not exist. */
  outdated: string[];
  /** Files in the generated directories that the generator no longer produces. */
  extra: string[];
}

async function listDirectory(root: string, directory: string): Promise<string[]> {
  try {
    return (await readdir(join(root, directory))).map((name) => `${directory}/${name}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Compares the generator output with the files under `root`. */
export async function findStaleFiles(root: string, expected: Map<string, string>): Promise<Staleness> {
  const outdated: string[] = [];
  for (const [path, content] of expected) {
    let actual: string | undefined;
    try {
      actual = await readFile(join(root, path), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (actual !== content) outdated.push(path);
  }
  const present = [
    ...(await listDirectory(root, crdDirectory)).filter((p) => p.endsWith('.yaml')),
    ...(await listDirectory(root, docsDirectory)).filter((p) => p.endsWith('.md')),
  ];
  const extra = present.filter((path) => !expected.has(path)).sort();
  return { outdated: outdated.sort(), extra };
}
