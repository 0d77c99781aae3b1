// Drop-in compatibility with Klutch v1.5 (issue 16): a corpus of Klutch-style manifests written
// from the Go reference (e2e/compatibility/*.yaml) applied to a real API server with
// `kubectl apply --server-side` and `--dry-run=server`, asserting the Go accept/reject outcome and
// message text (except where a case says `differs`, each listed in docs/compatibility.md), and the
// objects of the seeds of our kinds applying unchanged.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { findRepoRoot, startCluster, type TestCluster } from '@klutch/testenv';

const repoRoot = findRepoRoot();
const corpusDir = join(repoRoot, 'e2e', 'compatibility');
const namespace = 'compat';

interface KubeManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

interface Expectation {
  expect: 'accept' | 'reject';
  message?: string;
  differs?: string;
}

interface CreateCase extends Expectation {
  case: string;
  cluster?: boolean;
  object: KubeManifest;
}

interface UpdateCase {
  case: string;
  base: KubeManifest;
  patches: Array<Expectation & { patch: Record<string, unknown> }>;
}

async function readCorpus<T>(file: string): Promise<T[]> {
  const text = await readFile(join(corpusDir, file), 'utf8');
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message ?? 'invalid YAML'}`);
    return d.toJS() as T;
  });
}

/** A JSON merge patch (RFC 7386), as `kubectl patch --type merge` applies it. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

let cluster: TestCluster;

async function apply(object: KubeManifest, clusterScoped: boolean, dryRun: boolean) {
  const args = ['apply', '--server-side', '-f', '-'];
  if (dryRun) args.push('--dry-run=server');
  if (!clusterScoped) args.push('-n', namespace);
  return cluster.kubectl(args, { input: JSON.stringify(object) });
}

/** What is wrong with the outcome, or undefined when it is the expected one. */
function outcomeProblem(
  what: string,
  expectation: Expectation,
  result: { code: number; stdout: string; stderr: string },
): string | undefined {
  if (expectation.expect === 'accept')
    return result.code === 0 ? undefined : `${what}: expected to be accepted, got: ${result.stderr}`;
  if (result.code === 0) return `${what}: expected to be rejected, but it was accepted`;
  if (!result.stderr.includes(expectation.message ?? ''))
    return `${what}: the rejection must say ${JSON.stringify(expectation.message)}, got: ${result.stderr}`;
  return undefined;
}

/** Runs `fn` over `items` with at most `limit` calls in flight (kubectl start-up dominates). */
async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

describe('Klutch v1.5 conformance', { timeout: 600_000 }, () => {
  before(async () => {
    cluster = await startCluster({ name: 'compat' });
    const crds = await cluster.kubectl([
      'apply',
      '--server-side',
      '-f',
      join(repoRoot, 'packages', 'api', 'crds'),
    ]);
    assert.equal(crds.code, 0, crds.stderr);
    const wait = await cluster.kubectl([
      'wait',
      '--for=condition=Established',
      'crd',
      '--all',
      '--timeout=60s',
    ]);
    assert.equal(wait.code, 0, wait.stderr);
    for (const ns of [namespace, 'crossplane-system']) {
      const r = await cluster.kubectl(['create', 'namespace', ns]);
      assert.equal(r.code, 0, r.stderr);
    }
  });

  after(async () => {
    await cluster?.stop();
  });

  it('applies every seed object of our kinds unchanged', async () => {
    for (const seed of ['seed-000', 'seed-001']) {
      const dir = join(repoRoot, 'packages', 'api', 'fixtures', seed);
      for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml'))) {
        const path = join(dir, file);
        const dry = await cluster.kubectl(['apply', '--server-side', '--dry-run=server', '-f', path]);
        assert.equal(dry.code, 0, `${seed}/${file} (dry run): ${dry.stderr}`);
        const real = await cluster.kubectl(['apply', '--server-side', '-f', path]);
        assert.equal(real.code, 0, `${seed}/${file}: ${real.stderr}`);
      }
    }
  });

  it('accepts and rejects created objects as Klutch v1.5 does, with its messages', async () => {
    const cases = await readCorpus<CreateCase>('create.yaml');
    assert.ok(cases.length >= 40, `the corpus has ${cases.length} create cases`);
    const kinds = new Set(cases.map((c) => `${c.object.apiVersion}/${c.object.kind}`));
    // Every kind users and tools write: the eight instances, the three other claims, the four
    // managed resources, ProviderConfigUsage and the template of the Go group.
    assert.equal(kinds.size, 17, [...kinds].join(', '));
    const problems: string[] = [];
    await inParallel(cases, 4, async (c) => {
      const clusterScoped = c.cluster === true;
      const dry = outcomeProblem(
        `${c.case} (--dry-run=server)`,
        c,
        await apply(c.object, clusterScoped, true),
      );
      if (dry) problems.push(dry);
      else if (c.expect === 'accept') {
        const real = outcomeProblem(c.case, c, await apply(c.object, clusterScoped, false));
        if (real) problems.push(real);
      }
    });
    assert.deepEqual(problems, []);
  });

  it('accepts and rejects plan and service changes as Klutch v1.5 does, with its messages', async () => {
    const cases = await readCorpus<UpdateCase>('update.yaml');
    const problems: string[] = [];
    for (const c of cases) {
      const base = await apply(c.base, false, false);
      assert.equal(base.code, 0, `${c.case}: ${base.stderr}`);
      await inParallel(c.patches, 4, async (p) => {
        const changed = mergePatch(c.base, p.patch) as KubeManifest;
        const problem = outcomeProblem(
          `${c.case} + ${JSON.stringify(p.patch)}`,
          p,
          await apply(changed, false, true),
        );
        if (problem) problems.push(problem);
      });
    }
    assert.deepEqual(problems, []);
  });

  it('shows status.managed.state in the ManagedResource column, as the Go claims do', async () => {
    const name = 'example-a9s-keyvalue';
    const status = {
      managed: {
        state: 'provisioned',
        createdAt: '2026-12-02T10:00:00Z',
        conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }],
      },
    };
    const patched = await cluster.kubectl([
      'patch',
      'keyvalueinstance',
      name,
      '-n',
      namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status }),
    ]);
    assert.equal(patched.code, 0, patched.stderr);
    const table = await cluster.kubectl(['get', 'keyvalueinstance', name, '-n', namespace]);
    assert.equal(table.code, 0, table.stderr);
    const [header = '', row = ''] = table.stdout.trim().split('\n');
    // Columns are aligned by position; empty cells (READY, MESSAGE) leave only spaces.
    const at = header.indexOf('MANAGEDRESOURCE');
    assert.ok(at > 0, table.stdout);
    assert.equal(row.slice(at).split(/\s+/)[0], 'provisioned', table.stdout);
  });

  it('serves the export template in both groups with the same schema', async () => {
    const explain = await Promise.all(
      ['bind.anynines.com', 'example-backend.klutch.anynines.com'].map((group) =>
        cluster.kubectl(['explain', `apiserviceexporttemplates.${group}.spec`, '--recursive']),
      ),
    );
    for (const r of explain) assert.equal(r.code, 0, r.stderr);
    const fields = (s: string) => s.slice(s.indexOf('FIELDS:'));
    assert.equal(fields(explain[0]?.stdout ?? ''), fields(explain[1]?.stdout ?? ''));
  });
});
