import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generatedFiles, repositoryRoot } from './outputs.js';
import { findStaleFiles } from './staleness.js';

// Regenerates packages/api/crds/*.yaml and docs/api/*.md from the schemas.
// With --check it changes nothing and exits 1 when the committed files are stale.

const check = process.argv.includes('--check');
const files = generatedFiles();
const stale = await findStaleFiles(repositoryRoot, files);

if (check) {
  for (const path of stale.outdated) console.error(`outdated: ${path}`);
  for (const path of stale.extra) console.error(`not generated any more: ${path}`);
  const count = stale.outdated.length + stale.extra.length;
  if (count > 0) {
    console.error(`${count} generated file(s) are stale; run npm run generate -w @klutch/api`);
    process.exitCode = 1;
  }
} else {
  for (const path of stale.outdated) {
    const target = join(repositoryRoot, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, files.get(path) ?? '');
    console.log(`wrote ${path}`);
  }
  for (const path of stale.extra) {
    await rm(join(repositoryRoot, path));
    console.log(`removed ${path}`);
  }
  console.log(`${files.size} generated files, ${stale.outdated.length + stale.extra.length} changed`);
}
