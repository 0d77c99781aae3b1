import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crdDirectory, docsDirectory, generatedFiles, repositoryRoot } from './outputs.js';
import { findStaleFiles } from './staleness.js';

void describe('generated files', () => {
  void it('are committed exactly as the generator writes them (run npm run generate -w @klutch/api)', async () => {
    const stale = await findStaleFiles(repositoryRoot, generatedFiles());
    assert.deepEqual(stale, { outdated: [], extra: [] });
  });

  void it('cover one CRD file per kind and one page per group', () => {
    const paths = [...generatedFiles().keys()];
    assert.equal(paths.filter((p) => p.startsWith(`${crdDirectory}/`)).length, 25);
    assert.deepEqual(paths.filter((p) => p.startsWith(`${docsDirectory}/`)).sort(), [
      'docs/api/anynines.com.md',
      'docs/api/bind.anynines.com.md',
      'docs/api/dataservices.anynines.com.md',
      'docs/api/example-backend.klutch.anynines.com.md',
      'docs/api/klutch.anynines.com.md',
    ]);
  });

  void it('detects changed, missing and leftover files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'klutch-api-stale-'));
    try {
      await mkdir(join(root, crdDirectory), { recursive: true });
      await mkdir(join(root, docsDirectory), { recursive: true });
      await writeFile(join(root, crdDirectory, 'a.yaml'), 'current\n');
      await writeFile(join(root, crdDirectory, 'b.yaml'), 'edited by hand\n');
      await writeFile(join(root, crdDirectory, 'old.yaml'), 'no longer generated\n');
      await writeFile(join(root, docsDirectory, 'notes.txt'), 'not a generated kind of file\n');
      const expected = new Map([
        [`${crdDirectory}/a.yaml`, 'current\n'],
        [`${crdDirectory}/b.yaml`, 'generated\n'],
        [`${docsDirectory}/group.md`, '# group\n'],
      ]);
      assert.deepEqual(await findStaleFiles(root, expected), {
        outdated: [`${docsDirectory}/group.md`, `${crdDirectory}/b.yaml`],
        extra: [`${crdDirectory}/old.yaml`],
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
